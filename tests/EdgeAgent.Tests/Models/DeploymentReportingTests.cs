using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Tests.Sync;

namespace EdgeMlops.EdgeAgent.Tests.Models;

/// <summary>The deployment's progress reaches the hub in the reported state as it happens, not at the next interval.</summary>
public sealed class DeploymentReportingTests : IAsyncLifetime
{
    private static readonly string ReportedTopic = Topics.Reported(SyncRig.DeviceId);
    private TestBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await TestBroker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task A_deployment_state_change_is_reported_at_once_with_its_progress()
    {
        // An interval long enough that only the change itself can explain a second report.
        await using var rig = new SyncRig(_broker.Address, o => o.ReportInterval = TimeSpan.FromHours(1));
        await rig.StartAsync();
        await Eventually.HoldsAsync(() => _broker.Received.Any(m => m.Topic == ReportedTopic), "the report at connect");

        rig.Deployment.Report(new ModelDeploymentReport("vehicle-classifier", "2.0.0", ModelDeploymentState.Downloading,
            DateTimeOffset.UtcNow, "rollout-1", BytesDone: 10, BytesTotal: 100, PreviousVersion: "1.0.0"));

        await Eventually.HoldsAsync(() => _broker.Received.Where(m => m.Topic == ReportedTopic).Any(m => m.Reported().Deployment is not null),
            "a report carrying the deployment");
        var deployment = _broker.Received.Last(m => m.Topic == ReportedTopic).Reported().Deployment!;
        Assert.Equal(ModelDeploymentState.Downloading, deployment.State);
        Assert.Equal((10L, 100L), (deployment.BytesDone!.Value, deployment.BytesTotal!.Value));
        Assert.Equal("rollout-1", deployment.RolloutId);

        rig.Deployment.Report(deployment with { State = ModelDeploymentState.Active, BytesDone = null, BytesTotal = null });

        await Eventually.HoldsAsync(() => _broker.Received.Last(m => m.Topic == ReportedTopic).Reported().Deployment?.State == ModelDeploymentState.Active,
            "the activation reported at once");
    }
}
