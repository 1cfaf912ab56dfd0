using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.Observability;
using Microsoft.Extensions.Logging.Testing;

namespace EdgeMlops.EdgeAgent.Tests.Models;

public sealed class ModelMetricsTests : IDisposable
{
    private readonly TempDirectory _state = new();

    public void Dispose() => _state.Dispose();

    [Fact]
    public async Task The_serving_model_and_the_deployment_state_are_scraped_as_prometheus_text()
    {
        using var slot = new ModelSlot();
        slot.Publish(SeedModel.Load(slot));
        var status = new DeploymentStatus();
        status.Report(new ModelDeploymentReport("vehicle-classifier", "2.0.0", ModelDeploymentState.Failed, DateTimeOffset.UtcNow, Reason: "x"));
        var options = new ModelOptions { StateDirectory = _state.Path };
        await using var shadow = new ShadowMode(status, options, TimeProvider.System);
        var downloader = new ModelDownloader(new HttpClient(), ModelStore.From(options), options, new FakeLogger<ModelDownloader>());
        var writer = new PrometheusTextWriter();

        new ModelMetrics(slot, status, downloader, shadow).WriteMetrics(writer);

        var text = writer.ToString();
        Assert.Contains($"edgemlops_model_info{{name=\"vehicle-classifier\",version=\"{slot.Current.Version}\",generation=\"1\"}} 1", text);
        Assert.Contains("edgemlops_model_deployment_state{name=\"vehicle-classifier\",version=\"2.0.0\",state=\"failed\"} 1", text);
        Assert.Contains("edgemlops_model_deployment_state{name=\"vehicle-classifier\",version=\"2.0.0\",state=\"active\"} 0", text);
        Assert.Contains("edgemlops_model_download_bytes_total 0", text);
    }
}
