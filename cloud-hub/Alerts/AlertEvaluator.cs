using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Alerts;

/// <summary>
/// Every <see cref="AlertOptions.EvaluationInterval"/> on the hub's clock: evaluates the rules (unless disabled), then
/// flushes the channels; the first flush after a start with the broker side up publishes every live alert again.
/// </summary>
public sealed class AlertEvaluator(AlertEngine engine, AlertChannels channels, IOptions<AlertOptions> options, TimeProvider time, ILogger<AlertEvaluator> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var firstFlush = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (settings.Enabled)
                {
                    var pass = engine.Evaluate();
                    if (pass.Opened + pass.Resolved > 0)
                        logger.LogInformation("Alert pass: {Opened} opened, {Resolved} resolved, {Refreshed} still firing", pass.Opened, pass.Resolved, pass.Refreshed);
                }
                // Every live alert once after the start, as soon as the broker side is up (an external broker may take a while).
                if (await channels.FlushAsync(firstFlush, stoppingToken).ConfigureAwait(false))
                    firstFlush = false;
                await Task.Delay(settings.EvaluationInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A store or reader hiccup must not end alerting for good: the next pass tries again.
                logger.LogError(e, "Alert pass failed; retrying in {Interval}", settings.EvaluationInterval);
                await Task.Delay(settings.EvaluationInterval, time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
