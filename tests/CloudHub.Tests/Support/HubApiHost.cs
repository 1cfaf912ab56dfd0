using EdgeMlops.CloudHub.Api;
using EdgeMlops.CloudHub.Diagnostics;
using EdgeMlops.CloudHub.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.CloudHub.Tests.Support;

/// <summary>The hub API on real Kestrel, on a free loopback port, with a client for it.</summary>
public sealed class HubApiHost : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly WebApplication _app;

    private HubApiHost(TempDirectory directory, WebApplication app, Uri address)
    {
        _directory = directory;
        _app = app;
        Client = new HttpClient { BaseAddress = address };
    }

    public HttpClient Client { get; }
    public IServiceProvider Services => _app.Services;
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    public static async Task<HubApiHost> StartAsync()
    {
        var directory = new TempDirectory();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration["Hub:Store:Path"] = directory.File("hub.db");
        builder.Services.AddHubData(builder.Configuration);
        builder.Services.AddProblemDetails();
        var app = builder.Build();
        app.MapHubApi();
        app.MapMetrics();
        await app.StartAsync();
        return new HubApiHost(directory, app, new Uri(app.Urls.First()));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory.Dispose();
    }
}
