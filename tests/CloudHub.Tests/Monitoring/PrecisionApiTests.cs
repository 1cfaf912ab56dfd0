using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EdgeMlops.CloudHub.Ingest;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Tests.Cli;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using static EdgeMlops.CloudHub.Tests.Monitoring.PrecisionPayloads;

namespace EdgeMlops.CloudHub.Tests.Monitoring;

public sealed class PrecisionApiTests : IAsyncLifetime
{
    private const string Device = "box-1";
    private static readonly string Window = $"from={Uri.EscapeDataString(Payloads.Time0.ToString("O"))}&to={Uri.EscapeDataString(Payloads.Time0.AddHours(3).ToString("O"))}";
    private InProcessHub _hub = null!;

    public async Task InitializeAsync()
    {
        // The reports are of 2025 and the started hub runs on the system clock: the gauges keep series for ten years here.
        _hub = await InProcessHub.StartAsync(settings: new Dictionary<string, string?> { ["Hub:Monitoring:MetricSeriesTtl"] = "3650.00:00:00" });
        _hub.Enroll(Device);
        var result = await _hub.Ingest.IngestAsync(Topics.Telemetry(Device), Batch(Device, 1, 1,
            Report(Device, 0, Classes(("car", 10, 8), ("truck", 10, 2))),
            Report(Device, 70, Classes(("car", 10, 10))),
            Report(Device, 0, Classes(("car", 5, 5)), camera: "cam-2"),
            Report(Device, 0, Classes(("car", 10, 6)), source: PrecisionSources.Estimated,
                drift: new DriftSignals(10, 0.2, 0.1, 0.3, 0.15, MeanBrightness: 40))), CancellationToken.None);
        Assert.Equal(4, result.Stored);
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public async Task A_viewer_reads_a_cameras_figures_by_class()
    {
        var answer = await _hub.ClientAs(OperatorRole.Viewer).GetFromJsonAsync<JsonElement>(
            $"/api/precision?device={Device}&camera=cam-1&source=truth&by=class&{Window}");

        Assert.Equal("class", answer.GetProperty("by").GetString());
        var figures = answer.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal(["macro", "class:car", "class:truck"], figures.Select(f => f.GetProperty("metric").GetString()));
        var car = figures[1];
        Assert.Equal((20.0, 18.0, 0.9), (car.GetProperty("samples").GetDouble(), car.GetProperty("correct").GetDouble(), car.GetProperty("precision").GetDouble()));
        Assert.True(car.GetProperty("lower").GetDouble() < 0.9 && car.GetProperty("upper").GetDouble() > 0.9);
        Assert.Equal("cam-1", car.GetProperty("cameraId").GetString());
        Assert.Equal("1.0.0", car.GetProperty("modelVersion").GetString());
    }

    [Fact]
    public async Task By_window_answers_one_macro_per_hour_with_data()
    {
        var answer = await _hub.ClientAs(OperatorRole.Viewer).GetFromJsonAsync<JsonElement>(
            $"/api/precision?device={Device}&camera=cam-1&source=truth&by=window&{Window}");

        Assert.Equal(3600, answer.GetProperty("bucketSeconds").GetDouble());
        var figures = answer.GetProperty("figures").EnumerateArray().ToList();
        Assert.Equal([(Payloads.Time0, 0.5), (Payloads.Time0.AddHours(1), 1.0)],
            figures.Select(f => (f.GetProperty("from").GetDateTimeOffset(), f.GetProperty("precision").GetDouble())));
    }

    [Fact]
    public async Task Drift_answers_per_camera_and_model_version()
    {
        var answer = await _hub.ClientAs(OperatorRole.Viewer).GetFromJsonAsync<JsonElement>($"/api/precision/drift?device={Device}&{Window}");

        var camera = Assert.Single(answer.GetProperty("cameras").EnumerateArray());
        Assert.Equal("cam-1", camera.GetProperty("cameraId").GetString());
        Assert.Equal(0.2, camera.GetProperty("signals").GetProperty("classMixPsi").GetDouble(), 12);
        Assert.Equal(40, camera.GetProperty("signals").GetProperty("meanBrightness").GetDouble(), 12);
    }

    [Fact]
    public async Task Without_a_token_the_routes_are_refused()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client.GetAsync($"/api/precision?{Window}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _hub.Client.GetAsync($"/api/precision/drift?{Window}")).StatusCode);
    }

    [Theory]
    [InlineData("device=not%20a%20device", "device")]
    [InlineData("camera=", "camera")]
    [InlineData("source=guess", "source")]
    [InlineData("by=day", "by")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2025-13-01", "to")]
    [InlineData("from=2025-06-02T00:00:00Z&to=2025-06-01T00:00:00Z", "to")]
    [InlineData("bucket=1h", "bucket")]
    [InlineData("by=window&bucket=10s", "bucket")]
    [InlineData("by=window&bucket=1m&from=2025-01-01T00:00:00Z&to=2025-06-01T00:00:00Z", "bucket")]
    [InlineData("devcie=box-1", "devcie")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        var response = await _hub.ClientAs(OperatorRole.Viewer).GetAsync($"/api/precision?{query}");

        var problem = await ProblemResponse.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _), $"the problem names '{parameter}': {problem}");
    }

    [Fact]
    public async Task A_bad_drift_parameter_is_a_400_naming_it()
    {
        var response = await _hub.ClientAs(OperatorRole.Viewer).GetAsync("/api/precision/drift?by=class");

        var problem = await ProblemResponse.AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("by", out _));
    }

    [Fact]
    public async Task Metrics_show_the_latest_macro_per_series()
    {
        var metrics = await _hub.ClientAs(OperatorRole.Viewer).GetStringAsync("/metrics");

        Assert.Contains("edgemlops_hub_precision_macro{device=\"box-1\",camera=\"cam-1\",model=\"vehicle-classifier\",source=\"truth\"} 1", metrics);
        Assert.Contains("edgemlops_hub_precision_macro{device=\"box-1\",camera=\"cam-2\",model=\"vehicle-classifier\",source=\"truth\"} 1", metrics);
        Assert.Contains("edgemlops_hub_precision_macro{device=\"box-1\",camera=\"cam-1\",model=\"vehicle-classifier\",source=\"estimated\"} 0.6", metrics);
    }

    [Fact]
    public async Task The_cli_prints_a_table_of_figure_interval_and_samples()
    {
        var (code, output, error) = await CliRunner.RunAsync("precision", "--device", Device, "--camera", "cam-1", "--by", "class",
            "--from", Payloads.Time0.ToString("O"), "--to", Payloads.Time0.AddHours(3).ToString("O"), "--db", _hub.DatabasePath);

        Assert.True(code == 0, error);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("camera", lines[1]);
        Assert.Contains("95% interval", lines[1]);
        var truck = Assert.Single(lines, l => l.Contains("truth") && l.Contains("class:truck"));
        Assert.Matches(@"cam-1\s+vehicle-classifier@1\.0\.0\s+truth\s+class:truck\s+0\.200\s+0\.057-0\.510\s+10$", truck);
        Assert.Contains(lines, l => l.Contains("estimated") && l.Contains("macro"));
    }

    [Fact]
    public async Task The_cli_refuses_a_bad_grouping()
    {
        var (code, _, error) = await CliRunner.RunAsync("precision", "--device", Device, "--by", "day", "--db", _hub.DatabasePath);

        Assert.Equal(2, code);
        Assert.Contains("--by", error);
    }
}
