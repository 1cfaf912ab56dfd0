using EdgeMlops.Contracts;
using EdgeMlops.EdgeAgent.Sampling;
using EdgeMlops.Packaging;
using EdgeMlops.Synthetic.Scenes;
using Microsoft.Extensions.Logging;

namespace EdgeMlops.EdgeAgent.Tests.Sampling;

public sealed class ReviewSamplerTests
{
    private static readonly ModelMonitoring Threshold50 = new() { Temperature = 1, CertaintyThreshold = 0.5 };

    [Fact]
    public async Task A_vehicle_the_classifier_was_unsure_of_is_kept_as_low_confidence()
    {
        using var rig = new SamplingRig();

        var (vehicleEvent, sampled) = await rig.TrackAsync(1, rig.Peaked(0.8f), rig.Peaked(0.4f), rig.Peaked(0.3f));

        Assert.True(sampled);
        var sample = Assert.Single(rig.Samples());
        Assert.Equal(SampleReasons.LowConfidence, sample.Reason);
        Assert.Null(vehicleEvent.NeedsReview); // the package has no certainty threshold
        Assert.Equal(1, rig.Counters.TakenFor(SampleReasons.LowConfidence));
    }

    [Fact]
    public async Task A_confident_vehicle_is_not_kept_when_no_random_share_is_asked_for()
    {
        using var rig = new SamplingRig();

        var (_, sampled) = await rig.TrackAsync(1, rig.Peaked(0.95f), rig.Peaked(0.9f));

        Assert.False(sampled);
        Assert.Empty(rig.Samples());
    }

    [Fact]
    public async Task Every_confident_vehicle_is_kept_as_random_when_the_random_share_is_all()
    {
        using var rig = new SamplingRig(options: new SampleOptions { RandomShare = 1 });

        await rig.TrackAsync(1, rig.Peaked(0.95f));

        Assert.Equal(SampleReasons.Random, Assert.Single(rig.Samples()).Reason);
    }

    [Fact]
    public async Task Probabilities_spread_over_many_labels_are_kept_as_high_entropy_though_the_winner_clears_the_confidence_bar()
    {
        using var rig = new SamplingRig();
        float[] spread = [0.62f, .. Enumerable.Repeat(0.38f / (rig.Labels.Count - 1), rig.Labels.Count - 1)];

        var (vehicleEvent, _) = await rig.TrackAsync(1, spread, spread);

        Assert.True(vehicleEvent.Confidence >= rig.Options.LowConfidenceThreshold);
        Assert.Equal(SampleReasons.HighEntropy, Assert.Single(rig.Samples()).Reason);
    }

    [Fact]
    public async Task Frames_voting_for_different_labels_are_kept_as_vote_disagreement()
    {
        using var rig = new SamplingRig();
        float[] otherLabel = [0.45f, 0.5f, .. Enumerable.Repeat(0.05f / (rig.Labels.Count - 2), rig.Labels.Count - 2)];

        // Two frames of three say label 0, one says label 1: the mean still favours label 0 clearly.
        var (vehicleEvent, _) = await rig.TrackAsync(1, rig.Peaked(0.95f), rig.Peaked(0.95f), otherLabel);

        Assert.True(vehicleEvent.Confidence >= rig.Options.LowConfidenceThreshold);
        Assert.Equal(SampleReasons.VoteDisagreement, Assert.Single(rig.Samples()).Reason);
    }

    [Fact]
    public async Task A_vehicle_under_the_certainty_threshold_needs_review_and_says_so_before_any_other_reason()
    {
        using var rig = new SamplingRig(Threshold50);

        var (vehicleEvent, _) = await rig.TrackAsync(1, rig.Peaked(0.4f), rig.Peaked(0.3f));
        var (confident, _) = await rig.TrackAsync(2, rig.Peaked(0.9f), rig.Peaked(0.9f));

        Assert.True(vehicleEvent.NeedsReview);
        Assert.False(confident.NeedsReview);
        var sample = Assert.Single(rig.Samples());
        Assert.Equal(SampleReasons.NeedsReview, sample.Reason); // also low confidence, but needs-review comes first
        Assert.Equal(1, rig.Counters.NeedsReviewEvents);
    }

    [Fact]
    public async Task The_certainty_threshold_is_held_against_the_calibrated_confidence_not_the_raw_one()
    {
        // T = 2 flattens: a raw 0.7 over five labels calibrates to sqrt(.7)/(sqrt(.7)+4 sqrt(.075)) = 0.43.
        using var rig = new SamplingRig(new ModelMonitoring { Temperature = 2, CertaintyThreshold = 0.5 },
            new SampleOptions { RandomShare = 0, LowConfidenceThreshold = 0.1 });

        var (vehicleEvent, sampled) = await rig.TrackAsync(1, rig.Peaked(0.7f), rig.Peaked(0.7f));

        Assert.True(vehicleEvent.NeedsReview);
        Assert.True(sampled);
    }

    [Fact]
    public async Task A_flood_of_hard_examples_keeps_at_most_the_hourly_cap_while_every_needs_review_vehicle_goes()
    {
        using var rig = new SamplingRig(Threshold50,
            new SampleOptions { RandomShare = 0, LowConfidenceThreshold = 0.8, MaxPerCameraPerHour = 5, RandomReservedShare = 0 });

        // 40 low-confidence vehicles (0.7: over the certainty threshold, under the sampling one), then 10 under the threshold.
        for (int i = 0; i < 40; i++) await rig.TrackAsync(i, rig.Peaked(0.7f), rig.Peaked(0.7f));
        for (int i = 40; i < 50; i++) await rig.TrackAsync(i, rig.Peaked(0.3f), rig.Peaked(0.3f));

        var samples = rig.Samples();
        Assert.Equal(5, samples.Count(s => s.Reason == SampleReasons.LowConfidence));
        Assert.Equal(10, samples.Count(s => s.Reason == SampleReasons.NeedsReview));
        Assert.Equal(35, rig.Counters.DroppedFor(SampleReasons.LowConfidence));
        Assert.Equal(0, rig.Counters.DroppedFor(SampleReasons.NeedsReview));
        Assert.Equal(10, rig.Counters.TakenFor(SampleReasons.NeedsReview));
        // One warning for the hour however many were dropped.
        var warnings = rig.Log.Collector.GetSnapshot().Where(r => r.Level == LogLevel.Warning).ToList();
        Assert.Contains("cam1", Assert.Single(warnings).Message);

        // Needs-review samples count against the bound too: within the hour nothing optional fits any more.
        rig.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.False((await rig.TrackAsync(100, rig.Peaked(0.7f), rig.Peaked(0.7f))).Sampled);
        // An hour after the first ones, the window has room again, and the next drop warns again.
        rig.Time.Advance(TimeSpan.FromMinutes(2));
        for (int i = 101; i < 120; i++) await rig.TrackAsync(i, rig.Peaked(0.7f), rig.Peaked(0.7f));
        Assert.Equal(5, rig.Samples().Count);
        Assert.Equal(2, rig.Log.Collector.GetSnapshot().Count(r => r.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task A_flood_of_hard_examples_leaves_the_reserved_share_of_the_bound_to_random_samples()
    {
        using var rig = new SamplingRig(Threshold50,
            new SampleOptions { RandomShare = 1, LowConfidenceThreshold = 0.8, MaxPerCameraPerHour = 4, RandomReservedShare = 0.5 });

        for (int i = 0; i < 10; i++) await rig.TrackAsync(i, rig.Peaked(0.7f), rig.Peaked(0.7f));
        for (int i = 10; i < 20; i++) await rig.TrackAsync(i, rig.Peaked(0.95f), rig.Peaked(0.95f));

        var samples = rig.Samples();
        Assert.Equal(2, samples.Count(s => s.Reason == SampleReasons.LowConfidence));
        Assert.Equal(2, samples.Count(s => s.Reason == SampleReasons.Random));
        Assert.Equal(8, rig.Counters.DroppedFor(SampleReasons.LowConfidence));
    }

    [Fact]
    public async Task The_byte_bound_holds_samples_back_even_when_the_count_allows_them()
    {
        using var rig = new SamplingRig(Threshold50,
            new SampleOptions { RandomShare = 0, LowConfidenceThreshold = 0.8, MaxBytesPerCameraPerHour = 1, RandomReservedShare = 0 });

        var (_, lowKept) = await rig.TrackAsync(1, rig.Peaked(0.7f));
        var (_, needsReviewKept) = await rig.TrackAsync(2, rig.Peaked(0.3f));

        Assert.False(lowKept);
        Assert.True(needsReviewKept);
        Assert.Equal(1, rig.Counters.DroppedFor(SampleReasons.LowConfidence));
    }

    [Fact]
    public async Task A_track_on_a_source_with_truth_that_matched_no_truth_vehicle_is_labelled_not_a_vehicle()
    {
        using var rig = new SamplingRig();
        var noVehicles = new FrameTruth(0, 0, []);

        rig.Observe(1, rig.Peaked(0.4f), noVehicles);
        await rig.EndAsync(1, 0.4, truthLabel: null);
        rig.Observe(2, rig.Peaked(0.4f), noVehicles);
        await rig.EndAsync(2, 0.4, truthLabel: "van");
        rig.Observe(3, rig.Peaked(0.4f), truth: null);
        await rig.EndAsync(3, 0.4, truthLabel: null);

        Assert.Equal([ReviewLabels.NotAVehicle, "van", null], rig.Samples().Select(s => s.TruthLabel));
    }

    [Fact]
    public async Task A_vehicle_never_seen_by_the_sampler_has_no_crop_to_keep()
    {
        using var rig = new SamplingRig(Threshold50);

        var (vehicleEvent, sampled) = await rig.EndAsync(9, 0.3);

        Assert.False(sampled);
        Assert.True(vehicleEvent.NeedsReview);
    }

    [Theory]
    [InlineData("HighEntropyThreshold", 1.5)]
    [InlineData("MinVoteAgreement", -0.1)]
    [InlineData("MaxPerCameraPerHour", -1)]
    [InlineData("MaxBytesPerCameraPerHour", -1)]
    public void Bad_bounds_and_thresholds_are_refused_naming_the_key(string key, double value)
    {
        var options = new SampleOptions();
        var property = typeof(SampleOptions).GetProperty(key)!;
        property.SetValue(options, Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains($"Samples:{key}", Assert.Single(options.FindProblems()));
    }
}
