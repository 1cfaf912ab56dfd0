using EdgeMlops.Inference.Evaluation;
using EdgeMlops.Inference.Runtime;
using Microsoft.ML.OnnxRuntime;

namespace EdgeMlops.EdgeAgent.Models;

/// <summary>
/// Watches a newly activated model until its probation ends: inference errors, a p95 batch latency over
/// <see cref="ModelOptions.LatencyBudgetMs"/>, or a failed canary check (run every
/// <see cref="ModelOptions.ProbationCheckInterval"/> on a session of its own, so the serving one is not shared) hand
/// the reason to the rollback. Ends early once the model no longer serves.
/// </summary>
public sealed class ProbationWatch : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private ProbationWatch(LoadedModel model, DateTimeOffset until, ModelLoader loader, ModelOptions options, TimeProvider time,
        ILogger logger, Func<string, CancellationToken, Task> rollBack)
    {
        _loop = Task.Run(() => RunAsync(model, until, loader, options, time, logger, rollBack, _stop.Token), CancellationToken.None);
    }

    public static ProbationWatch Start(LoadedModel model, DateTimeOffset until, ModelLoader loader, ModelOptions options, TimeProvider time,
        ILogger logger, Func<string, CancellationToken, Task> rollBack) =>
        new(model, until, loader, options, time, logger, rollBack);

    /// <summary>Completes when probation ended (passed, failed or stopped).</summary>
    public Task Completion => _loop;

    /// <summary>The first problem in <paramref name="health"/>, or null when it is healthy.</summary>
    public static string? Problem(ModelHealth health, double? latencyBudgetMs)
    {
        if (health.Errors > 0)
            return $"{health.Errors} inference errors (last: {health.LastError})";
        if (latencyBudgetMs is { } budget && health.BatchLatency.Count > 0 && health.BatchLatency.Percentile(0.95) is var p95 && p95 > budget)
            return $"p95 batch latency {p95:0.0} ms over the budget of {budget:0.0} ms ({ModelOptions.SectionName}:LatencyBudgetMs)";
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private static async Task RunAsync(LoadedModel model, DateTimeOffset until, ModelLoader loader, ModelOptions options, TimeProvider time,
        ILogger logger, Func<string, CancellationToken, Task> rollBack, CancellationToken cancellationToken)
    {
        logger.LogInformation("Model {Name} {Version} on probation until {Until:O}", model.Name, model.Version, until);
        model.Health.OnProbation = true;
        try
        {
            using var canary = new CanaryRunner(model, loader);
            while (!cancellationToken.IsCancellationRequested)
            {
                var left = until - time.GetUtcNow();
                var wait = left < options.ProbationCheckInterval ? left : options.ProbationCheckInterval;
                if (wait > TimeSpan.Zero)
                {
                    // An inference error ends the wait at once: the batcher holds its batch until the rollback.
                    await Task.WhenAny(Task.Delay(wait, time, cancellationToken), model.Health.FirstFailure).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                if (model.IsReleased) return; // replaced meanwhile
                var problem = Problem(model.Health, options.LatencyBudgetMs) ?? canary.Problem();
                if (problem is not null)
                {
                    await rollBack(problem, cancellationToken).ConfigureAwait(false);
                    return;
                }
                if (time.GetUtcNow() >= until)
                {
                    logger.LogInformation("Model {Name} {Version} passed probation ({Batches} batches)", model.Name, model.Version,
                        model.Health.BatchLatency.Count);
                    return;
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Ending quietly would leave the version unwatched; rethrowing would end the manager that disposes the watch.
            logger.LogError(e, "Probation of model {Name} {Version} stopped on an unexpected error; the version keeps serving unwatched",
                model.Name, model.Version);
        }
        finally
        {
            model.Health.OnProbation = false;
        }
    }

    /// <summary>
    /// Runs the canary set on a session of its own, opened at the first check and kept for the probation, so the
    /// serving session's buffers are never shared and a GPU box does not build its engine at every check.
    /// </summary>
    private sealed class CanaryRunner(LoadedModel model, ModelLoader loader) : IDisposable
    {
        private ClassifierSession? _session;

        public string? Problem()
        {
            if (model.Package.CanarySetDirectory is null) return null;
            try
            {
                _session ??= loader.OpenSession(model.Package);
                var outcome = CanarySetCheck.Run(model.Package, _session);
                return outcome.Passed ? null : $"periodic canary check: {outcome.Problem}";
            }
            catch (Exception e) when (e is InvalidDataException or IOException or ClassifierLoadException or OnnxRuntimeException)
            {
                return $"periodic canary check: {e.Message}";
            }
        }

        public void Dispose() => _session?.Dispose();
    }
}
