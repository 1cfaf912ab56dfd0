namespace EdgeMlops.EdgeAgent.Telemetry;

/// <summary>
/// The <see cref="Hosting.AgentStage.StoreOpen"/> stage: opens the store once, before anything connects or captures.
/// A file that cannot be opened and written now (not a database, truncated, not ours, a directory, an unwritable
/// folder) stops the agent, which would otherwise classify for nothing. Failures after the start keep today's
/// behaviour: the <see cref="TelemetryWriter"/> counts the lost records and retries.
/// </summary>
internal sealed class StoreOpenCheck(EdgeStore store) : IHostedService
{
    /// <exception cref="EdgeStoreException">The file cannot be used; the message names it.</exception>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        store.EnsureOpen();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
