using EdgeMlops.CloudHub.Ingest;

namespace EdgeMlops.CloudHub.Tests.Ingest;

public sealed class SampleFilesTests
{
    [Theory]
    [InlineData("cam-1")]
    [InlineData("Gate_2.north")]
    public void A_valid_device_id_is_its_own_sample_folder(string deviceId) =>
        Assert.Equal($"{deviceId}/7-42.jpg", SampleFiles.RelativePath(deviceId, 7, 42));

    [Theory]
    [InlineData("..")]
    [InlineData(".hidden")]
    [InlineData("a/b")]
    [InlineData("cam 1")]
    [InlineData("cam\r\n1")]
    [InlineData("")]
    public void An_invalid_device_id_gets_no_sample_folder(string deviceId) =>
        Assert.Throws<ArgumentException>(() => SampleFiles.RelativePath(deviceId, 7, 42));

    [Fact]
    public void Two_devices_never_share_a_sample_folder() =>
        Assert.NotEqual(
            Path.GetDirectoryName(SampleFiles.RelativePath("cam-1", 1, 1)),
            Path.GetDirectoryName(SampleFiles.RelativePath("cam_1", 1, 1)));
}
