using System.Text.Json;
using EdgeMlops.CloudHub.Operators;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;

namespace EdgeMlops.CloudHub.Review;

/// <summary>What became of a label or an undo.</summary>
public enum ReviewChange
{
    Done,

    /// <summary>The hub has no such sample.</summary>
    UnknownSample,

    /// <summary>The label is not one of the sample's allowed answers (<see cref="ReviewChangeResult.AllowedLabels"/>).</summary>
    NotAllowed,

    /// <summary>An undo, but the reviewer has no standing label on the sample.</summary>
    NoStandingLabel,
}

/// <param name="Item">The sample as it stands after the change (null for an unknown sample).</param>
public sealed record ReviewChangeResult(ReviewChange Outcome, ReviewItemView? Item, IReadOnlyList<string> AllowedLabels);

/// <summary>
/// The review queue for the API, the CLI and the simulated reviewer alike: listing, the next sample for a reviewer,
/// labelling and undoing (validated against the model's label set, audited as <c>review.label</c> and
/// <c>review.unlabel</c> with the reviewer's name), and the queue's statistics.
/// </summary>
public sealed class ReviewService(ReviewStore store, ModelLabelSets labelSets, AuditLog audit, TimeProvider time)
{
    /// <summary>One page of the queue.</summary>
    public ReviewPageView Page(ReviewQuery query)
    {
        // One row more than asked tells whether another page exists.
        var rows = store.Page(query with { Limit = query.Limit + 1 });
        var items = rows.Take(query.Limit).ToList();
        var next = rows.Count > query.Limit ? CursorOf(items[^1], query.Order).Encode() : null;
        return new ReviewPageView(items.Select(View).ToList(), next);
    }

    /// <summary>The first sample in <paramref name="order"/> matching <paramref name="filter"/> still open for <paramref name="reviewer"/> (unlabelled, or a conflict they have not voted in); null when none is.</summary>
    public ReviewItemView? Next(ReviewFilter filter, ReviewOrder order, string reviewer) =>
        store.Page(new ReviewQuery(filter with { State = "all" }, order, null, 1), openFor: reviewer) is [var row] ? View(row) : null;

    /// <summary>One sample, or null.</summary>
    public ReviewItemView? Item(SampleKey key) => store.Sample(key) is { } row ? View(row) : null;

    /// <summary>Labels the sample as <paramref name="reviewer"/>, replacing their own earlier label (kept, withdrawn).</summary>
    public ReviewChangeResult Label(SampleKey key, string label, string reviewer, bool simulated = false)
    {
        if (store.Sample(key) is not { } row)
        {
            audit.Record(reviewer, ReviewAuditActions.Label, key.ToString(), ReviewAuditActions.NoSuchSample);
            return new(ReviewChange.UnknownSample, null, []);
        }
        var allowed = AllowedLabels(row);
        if (!allowed.Contains(label, StringComparer.Ordinal))
        {
            audit.Record(reviewer, ReviewAuditActions.Label, key.ToString(), $"refused: label '{Shorten(label)}' not allowed");
            return new(ReviewChange.NotAllowed, View(row), allowed);
        }
        if (!store.AddLabel(key, reviewer, simulated, label, time.GetUtcNow()))
            return new(ReviewChange.UnknownSample, null, []);
        audit.Record(reviewer, ReviewAuditActions.Label, key.ToString(), $"{AuditActions.Done}: {label}");
        return new(ReviewChange.Done, Item(key), allowed);
    }

    /// <summary>Undoes <paramref name="reviewer"/>'s standing label of the sample (the row stays, marked withdrawn).</summary>
    public ReviewChangeResult Withdraw(SampleKey key, string reviewer)
    {
        if (store.Sample(key) is not { } row)
        {
            audit.Record(reviewer, ReviewAuditActions.Unlabel, key.ToString(), ReviewAuditActions.NoSuchSample);
            return new(ReviewChange.UnknownSample, null, []);
        }
        var withdrawn = store.Withdraw(key, reviewer, time.GetUtcNow());
        audit.Record(reviewer, ReviewAuditActions.Unlabel, key.ToString(), withdrawn ? AuditActions.Done : ReviewAuditActions.NoStandingLabel);
        return new(withdrawn ? ReviewChange.Done : ReviewChange.NoStandingLabel, Item(key) ?? View(row), AllowedLabels(row));
    }

    /// <summary>The queue's statistics, of one device or of all.</summary>
    public ReviewStatsView Stats(string? deviceId = null)
    {
        var (states, reasons, cameras) = store.SampleCounts(deviceId);
        var labels = store.LabelCounts(deviceId);
        var stateCounts = states.ToDictionary(r => r.A, r => r.N, StringComparer.Ordinal);
        return new ReviewStatsView(
            states.Sum(r => r.N),
            stateCounts,
            reasons.GroupBy(r => r.A, StringComparer.Ordinal).ToDictionary(
                g => g.Key, g => (IReadOnlyDictionary<string, long>)g.ToDictionary(r => r.B, r => r.N, StringComparer.Ordinal), StringComparer.Ordinal),
            cameras.GroupBy(r => (Device: r.A, Camera: r.B)).OrderBy(g => g.Key.Device, StringComparer.Ordinal).ThenBy(g => g.Key.Camera, StringComparer.Ordinal)
                .Select(g => new ReviewCameraStatsView(g.Key.Device, g.Key.Camera, g.Sum(r => r.N), g.ToDictionary(r => r.C, r => r.N, StringComparer.Ordinal)))
                .ToList(),
            new ReviewLabelStatsView(labels.Human, labels.Simulated, labels.Reviewers),
            new ReviewAgreementView(labels.MultiplyReviewed, labels.Agreed,
                labels.MultiplyReviewed == 0 ? null : (double)labels.Agreed / labels.MultiplyReviewed),
            stateCounts.GetValueOrDefault(ReviewStates.Conflict));
    }

    /// <summary>The answers allowed for the sample: its model's classes, <c>not-a-vehicle</c>, <c>unsure</c>.</summary>
    public IReadOnlyList<string> AllowedLabels(ReviewSampleRow row) => AllowedLabels(row, Info(row));

    private IReadOnlyList<string> AllowedLabels(ReviewSampleRow row, ReviewSampleInfo? info) =>
        labelSets.AllowedAnswers(row.ModelName, row.ModelVersion, info?.Probabilities.Keys ?? [row.PredictedLabel]);

    /// <summary>The synthetic truth the sample carries, if any (what the simulated reviewer answers from).</summary>
    public static string? TruthOf(ReviewSampleRow row) => Info(row)?.TruthLabel;

    private ReviewItemView View(ReviewSampleRow row)
    {
        var info = Info(row);
        var top3 = (info?.Probabilities ?? new Dictionary<string, double> { [row.PredictedLabel] = row.Confidence })
            .OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(3)
            .Select(p => new LabelProbability(p.Key, p.Value)).ToList();
        var labels = store.Labels(row.Key)
            .Select(l => new ReviewLabelView(l.Reviewer, l.Label, l.Simulated, UnixTime.FromMs(l.LabelledAt), UnixTime.FromMs(l.WithdrawnAt)))
            .ToList();
        return new ReviewItemView(row.DeviceId, row.Epoch, row.Seq, row.Key.ToString(), row.CameraId, row.ModelName, row.ModelVersion,
            row.PredictedLabel, row.Confidence, top3, row.Reason, row.Reason == SampleReasons.NeedsReview, UnixTime.FromMs(row.Time),
            ImageUrl(row.Key), row.State ?? ReviewStates.Unlabelled, row.AgreedLabel, labels, AllowedLabels(row, info));
    }

    /// <summary>The route that serves the sample's crop.</summary>
    public static string ImageUrl(SampleKey key) =>
        $"/api/review/samples/{Uri.EscapeDataString(key.DeviceId)}/{key.Epoch}/{key.Seq}/image";

    private static ReviewCursor CursorOf(ReviewSampleRow row, ReviewOrder order) =>
        new(order, row.Confidence, row.Time, row.DeviceId, row.Epoch, row.Seq);

    // Ingest stored the payload only after validating it, so this fails only for a database edited by hand.
    private static ReviewSampleInfo? Info(ReviewSampleRow row)
    {
        try
        {
            return JsonSerializer.Deserialize(row.Payload, ContractsJsonContext.Default.ReviewSampleInfo);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A label as audit entries and error messages quote it: whatever a caller sent, at most 64 characters.</summary>
    public static string Shorten(string text) => text.Length <= 64 ? text : $"{text[..64]}...";
}

/// <summary>The audit log's review actions and refusals.</summary>
public static class ReviewAuditActions
{
    public const string Label = "review.label";
    public const string Unlabel = "review.unlabel";

    public const string NoSuchSample = "refused: no such sample";
    public const string NoStandingLabel = "refused: no standing label";
}
