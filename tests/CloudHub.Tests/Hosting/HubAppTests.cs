using System.Net;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Support;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Tests.Hosting;

/// <summary>The hub as <see cref="CloudHub.Hosting.HubApp"/> builds and starts it, inside the test.</summary>
public sealed class HubAppTests
{
    [Fact]
    public async Task A_started_hub_answers_health_metrics_and_the_api_on_its_http_url()
    {
        await using var hub = await InProcessHub.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await hub.Client.GetAsync("/healthz")).StatusCode);
        Assert.Contains("edgemlops_broker_connected_clients 0", await hub.ClientAs(OperatorRole.Viewer).GetStringAsync("/metrics"));
        Assert.Equal("[]", await hub.ClientAs(OperatorRole.Viewer).GetStringAsync("/api/devices"));
        Assert.True(FreeTcpPort.IsListening(hub.Port));
    }

    [Fact]
    public async Task An_invalid_section_stops_the_start_naming_its_key()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Http:Url"] = "not a url" }));

        Assert.Contains("Hub:Http:Url", error.Message);
    }

    [Fact]
    public async Task Every_invalid_section_is_named_at_once()
    {
        var error = await Assert.ThrowsAsync<AggregateException>(() => InProcessHub.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Hub:Http:Url"] = "not a url",
            ["Hub:Store:Path"] = " ",
        }));

        var failures = error.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => e.Failures).ToList();
        Assert.Contains(failures, f => f.Contains("Hub:Http:Url"));
        Assert.Contains(failures, f => f.Contains("Hub:Store:Path"));
    }
}
