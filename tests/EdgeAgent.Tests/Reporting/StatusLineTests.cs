using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Reporting;

namespace EdgeMlops.EdgeAgent.Tests.Reporting;

public sealed class StatusLineTests
{
    [Fact]
    public void A_camera_with_a_reviewed_precision_shows_it_with_its_interval_and_sample_count()
    {
        var cameras = new[] { new CameraMetrics("cam-1", ["car"]), new CameraMetrics("cam-2", ["car"]) };
        var reviewed = new Dictionary<string, CameraReviewedPrecision>
        {
            ["cam-1"] = new("cam-1", "1.0.0", 0.4123, 0.331, 0.5, 120, DateTimeOffset.UnixEpoch),
        };

        var line = StatusLine.Format(cameras, new Dictionary<string, long>(), TimeSpan.FromSeconds(5), reviewed: reviewed);

        var cam1 = line[..line.IndexOf("[cam-2]", StringComparison.Ordinal)];
        var cam2 = line[line.IndexOf("[cam-2]", StringComparison.Ordinal)..];
        Assert.Contains("reviewed 0.41 [0.33-0.50] n=120", cam1);
        Assert.DoesNotContain("reviewed", cam2);
    }
}
