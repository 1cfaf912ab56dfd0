using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary>Reviewed precision goes back to each box as its desired <c>reviewedPrecision</c>, only when a figure changed.</summary>
public sealed class ReviewedPrecisionTests
{
    private const string Device = "box-1";

    [Fact]
    public async Task Labels_become_the_devices_reviewed_precision_per_camera_and_version_written_only_when_it_changes()
    {
        await using var hub = new InProcessHub();
        hub.Enroll(Device);
        hub.Enroll("box-2");
        // cam-1, 1.0.0: car 3 of 4 right, van 1 of 2 right. cam-2, 2.0.0: car 1 of 1. Sample 8 only unsure, 9 a conflict: neither counts.
        var answers = new (long Seq, string Camera, string Version, string Predicted, string Answer)[]
        {
            (1, "cam-1", "1.0.0", "car", "car"), (2, "cam-1", "1.0.0", "car", "car"), (3, "cam-1", "1.0.0", "car", "car"),
            (4, "cam-1", "1.0.0", "car", ReviewLabels.NotAVehicle), (5, "cam-1", "1.0.0", "van", "van"), (6, "cam-1", "1.0.0", "van", "truck"),
            (7, "cam-2", "2.0.0", "car", "car"), (8, "cam-2", "2.0.0", "car", ReviewLabels.Unsure), (9, "cam-2", "2.0.0", "car", "car"),
        };
        var review = hub.Get<ReviewService>();
        foreach (var (seq, camera, version, predicted, answer) in answers)
        {
            await hub.IngestAsync(Device, ReviewSamples.Frame(Device, seq, predicted, camera: camera, version: version, reason: SampleReasons.Random));
            review.Label(new SampleKey(Device, 5, seq), answer, "alice");
        }
        review.Label(new SampleKey(Device, 5, 9), "van", "bob");
        var pass = hub.Get<ReviewedPrecisionPass>();
        var desired = hub.Get<DesiredStateBook>();

        Assert.Equal([Device], await pass.RunAsync(CancellationToken.None));

        var figures = Read(desired);
        Assert.Equal(2, figures.Count);
        var cam1 = figures.Single(f => f.CameraId == "cam-1");
        Assert.Equal("1.0.0", cam1.ModelVersion);
        Assert.Equal(6, cam1.Samples);
        Assert.Equal((0.75 + 0.5) / 2, cam1.Precision, 4);
        var interval = EdgeMlops.CloudHub.Monitoring.WilsonInterval.OfMean([(3, 4), (1, 2)]);
        Assert.Equal(interval.Lower, cam1.Lower, 4);
        Assert.Equal(interval.Upper, cam1.Upper, 4);
        Assert.Equal(hub.Time.GetUtcNow(), cam1.At);
        var cam2 = figures.Single(f => f.CameraId == "cam-2");
        Assert.Equal(("2.0.0", 1.0, 1L), (cam2.ModelVersion, cam2.Precision, cam2.Samples));
        var revision = desired.Current(Device)!.Revision;
        Assert.Null(desired.Current("box-2"));

        // Nothing changed: no new revision. A relabel to the same answer changes no figure: none either.
        hub.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await pass.RunAsync(CancellationToken.None));
        review.Label(new SampleKey(Device, 5, 1), "car", "alice");
        hub.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(await pass.RunAsync(CancellationToken.None));
        Assert.Equal(revision, desired.Current(Device)!.Revision);

        // A third reviewer settles sample 9 as car: cam-2 now 2 of 2.
        review.Label(new SampleKey(Device, 5, 9), "car", "carol");
        hub.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([Device], await pass.RunAsync(CancellationToken.None));
        Assert.Equal(2, Read(desired).Single(f => f.CameraId == "cam-2").Samples);
        Assert.Equal(revision + 1, desired.Current(Device)!.Revision);
    }

    [Fact]
    public async Task When_every_label_is_withdrawn_the_property_is_removed()
    {
        await using var hub = new InProcessHub();
        hub.Enroll(Device);
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, reason: SampleReasons.Random));
        var review = hub.Get<ReviewService>();
        var pass = hub.Get<ReviewedPrecisionPass>();
        review.Label(new SampleKey(Device, 5, 1), "car", "alice");
        await pass.RunAsync(CancellationToken.None);
        Assert.Single(Read(hub.Get<DesiredStateBook>()));

        hub.Time.Advance(TimeSpan.FromSeconds(1));
        review.Withdraw(new SampleKey(Device, 5, 1), "alice");
        Assert.Equal([Device], await pass.RunAsync(CancellationToken.None));

        var state = hub.Get<DesiredStateBook>().Current(Device)!;
        Assert.False(ReviewedPrecision.TryRead(state, out _, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public async Task A_label_stamped_before_a_pass_but_stored_after_its_read_still_reaches_the_box()
    {
        await using var hub = new InProcessHub();
        hub.Enroll(Device);
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, reason: SampleReasons.Random));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, reason: SampleReasons.Random));
        var review = hub.Get<ReviewService>();
        var pass = hub.Get<ReviewedPrecisionPass>();
        review.Label(new SampleKey(Device, 5, 1), "car", "alice");
        Assert.Equal([Device], await pass.RunAsync(CancellationToken.None));

        hub.Time.Advance(TimeSpan.FromSeconds(30));
        review.Label(new SampleKey(Device, 5, 2), ReviewLabels.NotAVehicle, "alice");
        // As if stamped 10 s before that pass's read and committed after it (the stamp is taken before the write lock).
        hub.Database.Write(connection => connection.Execute("UPDATE review_labels SET labelled_at = labelled_at - 40000 WHERE seq = 2"));

        hub.Time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal([Device], await pass.RunAsync(CancellationToken.None));
        Assert.Equal(2, Assert.Single(Read(hub.Get<DesiredStateBook>())).Samples);
    }

    private static IReadOnlyList<CameraReviewedPrecision> Read(DesiredStateBook desired)
    {
        Assert.True(ReviewedPrecision.TryRead(desired.Current(Device)!, out var value, out var problem), problem);
        return value.Cameras;
    }
}
