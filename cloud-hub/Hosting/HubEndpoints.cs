using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Diagnostics;

namespace EdgeMlops.CloudHub.Hosting;

/// <summary>Every HTTP endpoint of the hub: the API (<c>/api</c>), <c>/metrics</c> and <c>/healthz</c>.</summary>
public static class HubEndpoints
{
    public static void Map(WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapHubApi();
        app.MapMetrics();
        app.MapHealthz();
    }
}
