using EdgeMlops.EdgeAgent.Tests.Support;

namespace EdgeMlops.EdgeAgent.Tests.Diagnostics;

/// <summary>The agent's Prometheus endpoint, scraped from the running process.</summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemlops-metrics-");

    [Fact]
    public async Task A_running_agent_exposes_camera_store_and_sync_metrics_in_prometheus_text()
    {
        var port = FreeTcpPort.Next();
        using var agent = new AgentProcess(_dir.Path, "--duration", "30s", "--db", _dir.File("agent.db"),
            "--camera", "synthetic://highway?seed=3&condition=day", "--Metrics:Url=" + $"http://127.0.0.1:{port}/",
            "--Sync:Enabled=false");
        using var http = new HttpClient();
        string text = "";
        await Eventually.HoldsAsync(() =>
        {
            try
            {
                text = http.GetStringAsync($"http://127.0.0.1:{port}/metrics").GetAwaiter().GetResult();
                return text.Contains("edgemlops_camera_frames_total{camera=\"cam1\"}") && !text.Contains("edgemlops_camera_frames_total{camera=\"cam1\"} 0\n");
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, () => $"frames counted at /metrics\n{text}\n{agent.Stderr}", TimeSpan.FromSeconds(40));

        Assert.Contains("# TYPE edgemlops_camera_frames_total counter", text);
        Assert.Contains("edgemlops_camera_drops_total{camera=\"cam1\",stage=\"decode\"}", text);
        Assert.Contains("edgemlops_stage_latency_milliseconds{camera=\"cam1\",stage=\"endToEnd\",quantile=\"0.95\"}", text);
        Assert.Contains("edgemlops_outbox_pending_records", text);
        Assert.Contains("edgemlops_store_available 1", text);
        Assert.Contains("edgemlops_sync_connected 0", text);
        using var missing = await http.GetAsync($"http://127.0.0.1:{port}/other");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        agent.Terminate();
        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_metrics_port_already_in_use_is_a_warning_and_the_agent_keeps_classifying()
    {
        using var blocker = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((System.Net.IPEndPoint)blocker.LocalEndpoint).Port;
        using var agent = new AgentProcess(_dir.Path, "--duration", "5s", "--db", _dir.File("agent.db"),
            "--Metrics:Url=" + $"http://127.0.0.1:{port}/", "--Sync:Enabled=false");

        Assert.Equal(0, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"Metrics endpoint cannot listen on http://127.0.0.1:{port}/", agent.Stderr);
        Assert.True(agent.Summary().GetProperty("frames").GetInt64() > 0);
    }

    public void Dispose() => _dir.Dispose();
}
