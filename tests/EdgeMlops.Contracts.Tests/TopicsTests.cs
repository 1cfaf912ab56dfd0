namespace EdgeMlops.Contracts.Tests;

public sealed class TopicsTests
{
    [Fact]
    public void Device_topics_follow_the_scheme()
    {
        Assert.Equal("edgemlops/v1/devices/box-07/telemetry", Topics.Telemetry("box-07"));
        Assert.Equal("edgemlops/v1/devices/box-07/samples", Topics.Samples("box-07"));
        Assert.Equal("edgemlops/v1/devices/box-07/status", Topics.Status("box-07"));
        Assert.Equal("edgemlops/v1/devices/box-07/reported", Topics.Reported("box-07"));
        Assert.Equal("edgemlops/v1/devices/box-07/desired", Topics.Desired("box-07"));
        Assert.Equal("edgemlops/v1/devices/+/telemetry", Topics.AllDevices(DeviceChannel.Telemetry));
        Assert.Equal("edgemlops/v1/alerts/precision", Topics.Alert("precision"));
        Assert.Equal("edgemlops/v1/alerts/#", Topics.AllAlerts);
    }

    [Theory]
    [InlineData(DeviceChannel.Telemetry)]
    [InlineData(DeviceChannel.Samples)]
    [InlineData(DeviceChannel.Status)]
    [InlineData(DeviceChannel.Reported)]
    [InlineData(DeviceChannel.Desired)]
    public void Every_device_topic_parses_back(DeviceChannel channel)
    {
        Assert.True(Topics.TryParse(Topics.ForDevice("Jetson_Orin.12-b", channel), out var parsed));
        Assert.Equal(new DeviceTopic("Jetson_Orin.12-b", channel), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("edgemlops/v1/devices")]
    [InlineData("edgemlops/v1/devices/")]
    [InlineData("edgemlops/v1/devices/box-07")]
    [InlineData("edgemlops/v1/devices//telemetry")]
    [InlineData("edgemlops/v1/devices/box-07/video")]
    [InlineData("edgemlops/v1/devices/box-07/telemetry/extra")]
    [InlineData("edgemlops/v1/devices/+/telemetry")]
    [InlineData("edgemlops/v2/devices/box-07/telemetry")]
    [InlineData("edgemlops/v1/alerts/precision")]
    [InlineData("EDGEMLOPS/v1/devices/box-07/telemetry")]
    public void Anything_else_does_not_parse(string? topic)
    {
        Assert.False(Topics.TryParse(topic, out _));
    }

    [Fact]
    public void Alert_names_follow_the_same_rules()
    {
        Assert.Throws<ArgumentException>(() => Topics.Alert("precision/#"));
        Assert.Throws<ArgumentException>(() => Topics.Alert(""));
    }
}
