using System.Text.Json;
using EdgeMlops.EdgeAgent.Models;
using EdgeMlops.EdgeAgent.Telemetry;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Reporting;

/// <summary>
/// The <see cref="Hosting.AgentStage.Reporting"/> stage: the status line on stderr every
/// <see cref="AgentOptions.StatusInterval"/>, each camera's stats record every <see cref="AgentOptions.StatsInterval"/>,
/// and, once the pipeline has drained, the last partial interval's stats and the one-line JSON run summary on stdout.
/// </summary>
internal sealed class RunReporter(
    IOptions<AgentOptions> options,
    CameraMetricsRegistry cameras,
    TruthScorer truth,
    ModelSlot model,
    TelemetryQueue telemetry,
    Sync.SyncProgress sync,
    Sync.ReviewedPrecisionBook reviewed,
    TimeProvider time,
    ILogger<RunReporter> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<CameraStatsRecorder> _recorders = [];
    private Task _status = Task.CompletedTask;
    private Task _stats = Task.CompletedTask;
    private long _startedAt;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var agent = options.Value;
        _startedAt = time.GetTimestamp();
        _recorders.AddRange(cameras.Cameras.Select(m => new CameraStatsRecorder(agent.DeviceId, m, time.GetUtcNow())));
        _status = Task.Run(() => ReportStatusAsync(agent.StatusInterval, _stopping.Token), CancellationToken.None);
        _stats = Task.Run(() => RecordStatsAsync(agent.StatsInterval, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _status;
        await _stats;
        await WriteStatsAsync(CancellationToken.None); // the last, partial interval

        var current = model.Current;
        var summary = RunSummary.From(cameras.Cameras, time.GetElapsedTime(_startedAt), $"{current.Name} {current.Version}", truth);
        Console.Out.WriteLine(JsonSerializer.Serialize(summary, ReportingJsonContext.Default.RunSummary));
        await Console.Out.FlushAsync(cancellationToken);
    }

    private async Task ReportStatusAsync(TimeSpan interval, CancellationToken token)
    {
        var previous = new Dictionary<string, long>();
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
            {
                logger.LogInformation("{Status}", StatusLine.Format(cameras.Cameras, previous, interval, $"outbox queue {telemetry.Depth}, {sync.Snapshot().StatusText()}",
                    reviewed.ByCamera()));
                foreach (var m in cameras.Cameras) previous[m.CameraId] = m.Frames;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RecordStatsAsync(TimeSpan interval, CancellationToken token)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(token))
                await WriteStatsAsync(token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task WriteStatsAsync(CancellationToken token)
    {
        var now = time.GetUtcNow();
        foreach (var recorder in _recorders)
            await telemetry.WriteAsync(recorder.Next(now, model.HasModel ? (model.Current.Name, model.Current.Version) : null), token);
    }
}
