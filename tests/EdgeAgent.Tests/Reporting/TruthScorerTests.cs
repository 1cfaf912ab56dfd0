using EdgeMlops.EdgeAgent.Reporting;

namespace EdgeMlops.EdgeAgent.Tests.Reporting;

public sealed class TruthScorerTests
{
    private static readonly string[] Labels = ["car", "van", "bus"];

    private static TruthSighting Seen(int track, string label, double visible = 1, string camera = "cam1") => new(camera, track, label, visible);

    [Fact]
    public void Without_truth_there_is_nothing_to_score()
    {
        var scorer = new TruthScorer(Labels);

        scorer.RecordEvent("cam1", "car", null, null);

        Assert.False(scorer.HasTruth);
    }

    [Fact]
    public void Recall_counts_the_vehicles_that_were_well_enough_in_view_and_were_counted()
    {
        var scorer = new TruthScorer(Labels);
        scorer.ObserveFrame([Seen(1, "car"), Seen(2, "van", visible: 0.7), Seen(3, "bus", visible: 0.5)]);
        scorer.ObserveFrame([Seen(3, "bus", visible: 0.55), Seen(4, "car")]);

        scorer.RecordEvent("cam1", "car", 1, "car");
        scorer.RecordEvent("cam1", "car", 1, "car"); // one vehicle counted twice is still one found
        scorer.RecordEvent("cam1", "van", 2, "van");

        var summary = scorer.Summarise();
        Assert.True(scorer.HasTruth);
        // Vehicles 1, 2 and 4 were countable (bus 3 never showed 60 %); 1 and 2 were found.
        Assert.Equal(Math.Round(2.0 / 3, 4), summary.CountRecall);
        Assert.Equal(new Dictionary<string, int> { ["car"] = 2, ["van"] = 1, ["bus"] = 0 }, summary.Vehicles);
    }

    [Fact]
    public void Precision_is_scored_per_predicted_class_over_matched_events_and_unmatched_events_are_counted()
    {
        var scorer = new TruthScorer(Labels);
        scorer.ObserveFrame([Seen(1, "car"), Seen(2, "car"), Seen(3, "van"), Seen(4, "van")]);

        scorer.RecordEvent("cam1", "car", 1, "car");
        scorer.RecordEvent("cam1", "car", 3, "van"); // a van called a car
        scorer.RecordEvent("cam1", "van", 4, "van");
        scorer.RecordEvent("cam1", "bus", null, null);

        var summary = scorer.Summarise();
        Assert.Equal(0.5, summary.Precision["car"]);
        Assert.Equal(1.0, summary.Precision["van"]);
        Assert.False(summary.Precision.ContainsKey("bus"));
        Assert.Equal(0.75, summary.MacroPrecision);
        Assert.Equal(1, summary.UnmatchedEvents);
    }

    [Fact]
    public void The_same_truth_track_id_on_two_cameras_is_two_vehicles()
    {
        var scorer = new TruthScorer(Labels);
        scorer.ObserveFrame([Seen(1, "car", camera: "cam1"), Seen(1, "car", camera: "cam2")]);

        scorer.RecordEvent("cam1", "car", 1, "car");

        Assert.Equal(0.5, scorer.Summarise().CountRecall);
    }

    [Fact]
    public void Labels_follow_the_models_told_and_a_later_model_adds_its_own()
    {
        var scorer = new TruthScorer();
        scorer.KnowLabels(["car", "van"]);
        scorer.ObserveFrame([Seen(1, "car"), Seen(2, "truck")]);
        scorer.RecordEvent("cam1", "car", 1, "car");

        scorer.KnowLabels(["car", "truck"]);
        scorer.RecordEvent("cam1", "truck", 2, "truck");

        var summary = scorer.Summarise();
        Assert.Equal(["car", "van", "truck"], summary.Vehicles.Keys);
        Assert.Equal(1, summary.Vehicles["truck"]);
        Assert.Equal(1.0, summary.Precision["truck"]);
        Assert.Equal(1.0, summary.CountRecall);
    }

    [Fact]
    public void Before_any_model_is_known_the_summary_still_scores_recall()
    {
        var scorer = new TruthScorer();
        scorer.ObserveFrame([Seen(1, "car")]);

        var summary = scorer.Summarise();

        Assert.Equal(0, summary.CountRecall);
        Assert.Empty(summary.Precision);
    }
}
