using EdgeMlops.CloudHub.Review;
using EdgeMlops.CloudHub.Tests.Support;
using EdgeMlops.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EdgeMlops.CloudHub.Tests.Review;

/// <summary>The simulated reviewer: off unless configured; when on, labels from synthetic truth only, marked as simulated.</summary>
public sealed class SimulatedReviewerTests
{
    private const string Device = "box-1";

    private static SampleKey Key(long seq) => new(Device, 5, seq);

    [Fact]
    public async Task It_labels_from_truth_not_a_vehicle_included_and_never_a_sample_without_truth()
    {
        await using var hub = new InProcessHub();
        hub.Enroll(Device);
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, "car", truth: "van"));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 2, "car"));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 3, "truck", truth: ReviewLabels.NotAVehicle));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 4, "car", truth: "motorbike"));
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 5, "car", truth: "car"));
        var review = hub.Get<ReviewService>();
        // A person got to sample 5 first: the simulated reviewer leaves it alone.
        review.Label(Key(5), "bus", "alice");
        var reviewer = hub.Get<SimulatedReviewer>();

        Assert.True(reviewer.LabelNext());
        Assert.True(reviewer.LabelNext());
        Assert.False(reviewer.LabelNext());

        Assert.Equal(("labelled", "van"), StateOf(review, 1));
        Assert.Equal(("unlabelled", null), StateOf(review, 2));
        Assert.Equal(("labelled", ReviewLabels.NotAVehicle), StateOf(review, 3));
        Assert.Equal(("unlabelled", null), StateOf(review, 4));
        Assert.Equal(("labelled", "bus"), StateOf(review, 5));
        var label = Assert.Single(review.Item(Key(3))!.Labels);
        Assert.True(label.Simulated);
        Assert.Equal(ReviewStore.SimulatedReviewerName, label.Reviewer);
        Assert.Contains((ReviewStore.SimulatedReviewerName, $"{Device}/5/1", "ok: van"), hub.Audit(ReviewAuditActions.Label));
        Assert.Equal(2, review.Stats().Labels.Simulated);
    }

    [Fact]
    public async Task It_is_off_by_default_and_labels_nothing()
    {
        await using var hub = await InProcessHub.StartAsync();
        hub.Enroll(Device);
        await hub.IngestAsync(Device, ReviewSamples.Frame(Device, 1, truth: "car"));

        var reviewer = hub.Get<IEnumerable<IHostedService>>().OfType<SimulatedReviewer>().Single();
        Assert.True(reviewer.ExecuteTask?.IsCompletedSuccessfully);
        Assert.Equal("unlabelled", hub.Get<ReviewService>().Item(Key(1))!.State);
    }

    [Fact]
    public async Task When_enabled_it_works_through_the_queue_at_its_rate()
    {
        await using var hub = await InProcessHub.StartAsync(settings: new Dictionary<string, string?>
        {
            [$"{ReviewOptions.Section}:SimulatedReviewer:Enabled"] = "true",
            [$"{ReviewOptions.Section}:SimulatedReviewer:LabelsPerMinute"] = "1200",
        });
        hub.Enroll(Device);
        for (var seq = 1; seq <= 5; seq++)
            await hub.IngestAsync(Device, ReviewSamples.Frame(Device, seq, truth: seq % 2 == 0 ? ReviewLabels.NotAVehicle : "car"));

        var review = hub.Get<ReviewService>();
        await Eventually.HoldsAsync(() => review.Stats().States.GetValueOrDefault(ReviewStates.Labelled) == 5, "all five samples labelled");
        Assert.Equal(("labelled", ReviewLabels.NotAVehicle), StateOf(review, 2));
        Assert.Equal(5, review.Stats().Labels.Simulated);
    }

    private static (string State, string? Label) StateOf(ReviewService review, long seq) =>
        review.Item(Key(seq)) is { } item ? (item.State, item.AgreedLabel) : throw new InvalidOperationException($"no sample {seq}");
}
