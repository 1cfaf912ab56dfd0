using EdgeMlops.EdgeAgent.Reporting;

namespace EdgeMlops.EdgeAgent.Tests.Reporting;

public sealed class CameraStatsRecorderTests
{
    [Fact]
    public void Each_record_names_the_model_serving_at_the_end_of_its_interval()
    {
        var start = DateTimeOffset.UnixEpoch;
        var recorder = new CameraStatsRecorder("box-1", new CameraMetrics("cam1"), start);

        var first = recorder.Next(start.AddSeconds(10), ("vehicle-classifier", "1.0.0"));
        var second = recorder.Next(start.AddSeconds(20), ("vehicle-classifier", "2.0.0"));
        var none = recorder.Next(start.AddSeconds(30));

        Assert.Equal(("vehicle-classifier", "1.0.0"), (first.ModelName, first.ModelVersion));
        Assert.Equal("2.0.0", second.ModelVersion);
        Assert.Equal(start.AddSeconds(10), second.IntervalStart);
        Assert.Null(none.ModelVersion);
        Assert.Null(EdgeMlops.Contracts.ContractValidator.FindProblem(second));
    }
}
