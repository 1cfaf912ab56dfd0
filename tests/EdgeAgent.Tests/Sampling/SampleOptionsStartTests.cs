using EdgeMlops.EdgeAgent.Tests.Support;

namespace EdgeMlops.EdgeAgent.Tests.Sampling;

public sealed class SampleOptionsStartTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task A_negative_hourly_sample_bound_stops_the_agent_with_exit_2_naming_the_key()
    {
        using var agent = new AgentProcess(_dir.Path, "--db", _dir.File("agent.db"), "--Sync:Enabled=false",
            "--Samples:MaxPerCameraPerHour=-5", "--Samples:MaxBytesPerCameraPerHour=-1");

        Assert.Equal(2, await agent.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Samples:MaxPerCameraPerHour", agent.Stderr);
        Assert.Contains("Samples:MaxBytesPerCameraPerHour", agent.Stderr);
    }
}
