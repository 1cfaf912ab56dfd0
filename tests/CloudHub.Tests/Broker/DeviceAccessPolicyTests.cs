using EdgeMlops.CloudHub.Broker;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Broker;

public sealed class DeviceAccessPolicyTests
{
    [Theory]
    [InlineData("edgemlops/v1/devices/dev-a/telemetry", true)]
    [InlineData("edgemlops/v1/devices/dev-a/samples", true)]
    [InlineData("edgemlops/v1/devices/dev-a/status", true)]
    [InlineData("edgemlops/v1/devices/dev-a/reported", true)]
    [InlineData("edgemlops/v1/devices/dev-a/desired", false)] // the hub's to write
    [InlineData("edgemlops/v1/devices/dev-b/telemetry", false)]
    [InlineData("edgemlops/v1/devices/dev-a/telemetry/extra", false)]
    [InlineData("edgemlops/v1/alerts/precision", false)]
    [InlineData("", false)]
    public void A_device_publishes_only_its_own_device_to_hub_topics(string topic, bool allowed) =>
        Assert.Equal(allowed, DeviceAccessPolicy.MayPublish("dev-a", topic, out _));

    [Theory]
    [InlineData("edgemlops/v1/devices/dev-a/desired", true)]
    [InlineData("edgemlops/v1/devices/dev-a/status", true)]
    [InlineData("edgemlops/v1/devices/dev-a/telemetry", false)]
    [InlineData("edgemlops/v1/devices/dev-b/desired", false)]
    [InlineData("edgemlops/v1/devices/+/desired", false)]
    [InlineData("edgemlops/v1/#", false)]
    [InlineData("#", false)]
    public void A_device_subscribes_only_to_its_own_desired_and_status(string filter, bool allowed) =>
        Assert.Equal(allowed, DeviceAccessPolicy.MaySubscribe("dev-a", filter));

    [Fact]
    public void The_topic_must_belong_to_the_client_id_exactly() =>
        Assert.False(DeviceAccessPolicy.MayPublish("DEV-A", Topics.Telemetry("dev-a"), out _));

    [Theory]
    [InlineData("edgemlops/v1/alerts/#", true)]
    [InlineData("edgemlops/v1/alerts/measured-precision/box-1/+/+", true)]
    [InlineData("edgemlops/v1/devices/box-1/desired", false)]
    [InlineData("edgemlops/v1/devices/+/telemetry", false)]
    [InlineData("edgemlops/v1/#", false)]
    [InlineData("#", false)]
    public void An_observer_subscribes_only_inside_the_alerts_tree(string filter, bool allowed) =>
        Assert.Equal(allowed, DeviceAccessPolicy.MaySubscribe(ObserverAccess.ClientIdOf("alice"), filter));

    [Theory]
    [InlineData("edgemlops/v1/alerts/#")]
    [InlineData("edgemlops/v1/alerts/drift/dev-a/cam/m")]
    public void A_device_cannot_subscribe_to_alerts(string filter) =>
        Assert.False(DeviceAccessPolicy.MaySubscribe("dev-a", filter));

    [Fact]
    public void An_observer_publishes_nothing() =>
        Assert.False(DeviceAccessPolicy.MayPublish(ObserverAccess.ClientIdOf("alice"), "edgemlops/v1/alerts/drift/dev-a/cam/m", out _));
}
