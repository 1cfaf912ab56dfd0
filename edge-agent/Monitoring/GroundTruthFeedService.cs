using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Monitoring;

/// <summary>
/// Reads <see cref="MonitoringOptions.GroundTruthFeed"/> as it grows (checked every <see cref="MonitoringOptions.FeedPollInterval"/>),
/// hands its lines to the <see cref="GroundTruthFeedScorer"/> and writes the reports it scores. A bad line costs one
/// warning naming the file and line; the rest is still read. On stop, once the pipeline has drained, every line still
/// waiting is scored against what the cameras reported.
/// </summary>
public sealed class GroundTruthFeedService(IOptions<MonitoringOptions> options, GroundTruthFeedScorer scorer, PrecisionReportWriter reports,
    TimeProvider time, ILogger<GroundTruthFeedService> logger) : IHostedService
{
    private readonly CancellationTokenSource _stopping = new();
    private GroundTruthFeedFile? _file;
    private Task _reading = Task.CompletedTask;
    private string? _readFailure;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.Value.GroundTruthFeed)) return Task.CompletedTask;
        _file = new GroundTruthFeedFile(options.Value.GroundTruthFeed);
        logger.LogInformation("Reading the ground-truth feed {FeedPath} as it grows", _file.FullPath);
        _reading = Task.Run(() => ReadAsync(_file, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_file is null) return;
        await _stopping.CancelAsync();
        await _reading;
        await PassAsync(_file, final: true, CancellationToken.None);
    }

    private async Task ReadAsync(GroundTruthFeedFile file, CancellationToken token)
    {
        try
        {
            while (!token.IsCancellationRequested)
            {
                await PassAsync(file, final: false, token);
                await Task.Delay(options.Value.FeedPollInterval, time, token);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
    }

    /// <summary>Reads what was appended, then writes what is ready to score (everything, on the final pass).</summary>
    internal async Task PassAsync(GroundTruthFeedFile file, bool final, CancellationToken token)
    {
        Read(file, final);
        foreach (var report in scorer.ScoreReady(all: final))
            await reports.WriteAsync(report, token);
    }

    private void Read(GroundTruthFeedFile file, bool final)
    {
        IReadOnlyList<(long Line, string Text)> lines;
        try
        {
            lines = file.ReadAppended(final);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Reported once per distinct failure: a file being rotated fails the same way for a few polls.
            if (_readFailure != e.Message)
                logger.LogWarning("Ground-truth feed {FeedPath} cannot be read now: {Reason}; trying again", file.FullPath, e.Message);
            _readFailure = e.Message;
            return;
        }
        _readFailure = null;
        if (file.Restarted)
            logger.LogWarning("Ground-truth feed {FeedPath} is shorter than what was read: it was replaced or truncated, reading it again from the start", file.FullPath);
        foreach (var (number, text) in lines)
        {
            if (string.IsNullOrWhiteSpace(text)) continue;
            if (GroundTruthFeedFormat.Parse(text, out var problem) is { } entry)
                scorer.Add(entry);
            else
                logger.LogWarning("Ground-truth feed {FeedPath} line {Line} is skipped: {Problem}", file.FullPath, number, problem);
        }
    }
}
