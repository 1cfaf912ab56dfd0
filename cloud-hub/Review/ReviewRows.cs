using SQLite;

namespace EdgeMlops.CloudHub.Review;

/// <summary>A sample as the review queue reads it: the samples row, the model from its payload, and its outcome so far.</summary>
public sealed class ReviewSampleRow
{
    [Column("device_id")] public string DeviceId { get; set; } = "";
    [Column("epoch")] public long Epoch { get; set; }
    [Column("seq")] public long Seq { get; set; }
    [Column("camera_id")] public string CameraId { get; set; } = "";
    [Column("time")] public long Time { get; set; }
    [Column("label")] public string PredictedLabel { get; set; } = "";
    [Column("confidence")] public double Confidence { get; set; }
    [Column("reason")] public string Reason { get; set; } = "";
    [Column("image_path")] public string ImagePath { get; set; } = "";
    [Column("model_name")] public string ModelName { get; set; } = "";
    [Column("model_version")] public string ModelVersion { get; set; } = "";
    [Column("payload")] public string Payload { get; set; } = "";

    /// <summary>The outcome's state; null while no reviewer's label stands.</summary>
    [Column("state")] public string? State { get; set; }

    /// <summary>The label the reviewers agree on (<see cref="ReviewStates.Labelled"/> only).</summary>
    [Column("agreed_label")] public string? AgreedLabel { get; set; }

    [Ignore] public SampleKey Key => new(DeviceId, Epoch, Seq);
}

/// <summary>One label a reviewer gave; withdrawn ones stay, with the time they were withdrawn.</summary>
public sealed class ReviewLabelRow
{
    [Column("id")] public long Id { get; set; }
    [Column("reviewer")] public string Reviewer { get; set; } = "";
    [Column("simulated")] public bool Simulated { get; set; }
    [Column("label")] public string Label { get; set; } = "";
    [Column("labelled_at")] public long LabelledAt { get; set; }
    [Column("withdrawn_at")] public long? WithdrawnAt { get; set; }
}

/// <summary>A count by up to three keys, for the statistics.</summary>
public sealed class CountRow
{
    [Column("a")] public string A { get; set; } = "";
    [Column("b")] public string B { get; set; } = "";
    [Column("c")] public string C { get; set; } = "";
    [Column("n")] public long N { get; set; }
}
