namespace EdgeMlops.EdgeAgent.Tests.Telemetry;

/// <summary>
/// A clock that only moves when told to. Timers still run in real time (the base class's), so waits end: the writer's
/// loop waits on them, which a FakeTimeProvider would hold until the test advanced it.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
