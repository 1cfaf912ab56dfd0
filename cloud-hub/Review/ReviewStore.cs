using System.Text;
using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Review;

/// <summary>
/// The review tables (<c>review_labels</c>, <c>review_outcomes</c>) beside the ingested <c>samples</c>: the queue's
/// queries, and labelling, which writes the label and the sample's new outcome in one transaction.
/// </summary>
/// <remarks>
/// The model of a sample lives in its payload only (ingest's table has no column for it), so model filters read it
/// with <c>json_extract</c>: a scan of the rows the other filters leave, acceptable for a queue a person pages through.
/// </remarks>
public sealed class ReviewStore(HubDatabase database)
{
    /// <summary>The reviewer name of <see cref="SimulatedReviewer"/>'s labels.</summary>
    public const string SimulatedReviewerName = "simulated-reviewer";

    private const string SampleColumns = """
        s.device_id, s.epoch, s.seq, s.camera_id, s.time, s.label, s.confidence, s.reason, s.image_path, s.payload,
        coalesce(json_extract(s.payload, '$.modelName'), '') AS model_name,
        coalesce(json_extract(s.payload, '$.modelVersion'), '') AS model_version,
        o.state AS state, o.label AS agreed_label
        FROM samples s
        LEFT JOIN review_outcomes o ON o.device_id = s.device_id AND o.epoch = s.epoch AND o.seq = s.seq
        """;

    /// <summary>One page of samples matching <paramref name="query"/>, in its order.</summary>
    /// <param name="openFor">Only samples still open for this reviewer: unlabelled or in conflict, and without a standing label of theirs.</param>
    public IReadOnlyList<ReviewSampleRow> Page(ReviewQuery query, string? openFor = null)
    {
        var sql = new StringBuilder($"SELECT {SampleColumns} WHERE 1 = 1");
        var arguments = new List<object>();
        AppendFilter(sql, arguments, query.Filter);
        if (openFor is not null)
        {
            sql.Append($" AND (o.state IS NULL OR o.state = '{ReviewStates.Conflict}')");
            sql.Append(" AND NOT EXISTS (SELECT 1 FROM review_labels l WHERE l.device_id = s.device_id AND l.epoch = s.epoch AND l.seq = s.seq AND l.reviewer = ? AND l.withdrawn_at IS NULL)");
            arguments.Add(openFor);
        }
        if (query.Order == ReviewOrder.Hardest)
        {
            if (query.After is { } after)
            {
                sql.Append(" AND (s.confidence, s.time, s.device_id, s.epoch, s.seq) > (?, ?, ?, ?, ?)");
                arguments.AddRange([after.Confidence, after.Time, after.DeviceId, after.Epoch, after.Seq]);
            }
            sql.Append(" ORDER BY s.confidence, s.time, s.device_id, s.epoch, s.seq");
        }
        else
        {
            if (query.After is { } after)
            {
                sql.Append(" AND (s.time, s.device_id, s.epoch, s.seq) > (?, ?, ?, ?)");
                arguments.AddRange([after.Time, after.DeviceId, after.Epoch, after.Seq]);
            }
            sql.Append(" ORDER BY s.time, s.device_id, s.epoch, s.seq");
        }
        sql.Append(" LIMIT ?");
        arguments.Add(query.Limit);
        return database.Read(connection => connection.Query<ReviewSampleRow>(sql.ToString(), arguments.ToArray()));
    }

    /// <summary>One sample with its outcome, or null when the hub has no such sample.</summary>
    public ReviewSampleRow? Sample(SampleKey key) =>
        database.Read(connection => Sample(connection, key));

    /// <summary>Every label given to the sample, oldest first, withdrawn ones included.</summary>
    public IReadOnlyList<ReviewLabelRow> Labels(SampleKey key) =>
        database.Read(connection => connection.Query<ReviewLabelRow>(
            "SELECT id, reviewer, simulated, label, labelled_at, withdrawn_at FROM review_labels WHERE device_id = ? AND epoch = ? AND seq = ? ORDER BY id",
            key.DeviceId, key.Epoch, key.Seq));

    /// <summary>
    /// Gives <paramref name="label"/> as <paramref name="reviewer"/>'s label of the sample, withdrawing the reviewer's
    /// standing label if any (the row stays), and decides the sample's outcome anew. False when there is no such sample.
    /// </summary>
    public bool AddLabel(SampleKey key, string reviewer, bool simulated, string label, DateTimeOffset now) =>
        ChangeLabels(key, UnixTime.ToMs(now), (connection, at) =>
        {
            WithdrawStanding(connection, key, reviewer, at);
            connection.Execute(
                "INSERT INTO review_labels (device_id, epoch, seq, reviewer, simulated, label, labelled_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                key.DeviceId, key.Epoch, key.Seq, reviewer, simulated ? 1 : 0, label, at);
            return true;
        });

    /// <summary>Withdraws <paramref name="reviewer"/>'s standing label of the sample and decides its outcome anew; false when they had none.</summary>
    public bool Withdraw(SampleKey key, string reviewer, DateTimeOffset now) =>
        ChangeLabels(key, UnixTime.ToMs(now), (connection, at) => WithdrawStanding(connection, key, reviewer, at) > 0);

    /// <summary>
    /// Runs <paramref name="change"/> on the sample's labels and, when it changed something, decides the outcome anew,
    /// all in one transaction; false when there is no such sample or nothing changed.
    /// </summary>
    private bool ChangeLabels(SampleKey key, long at, Func<SQLiteConnection, long, bool> change) =>
        database.Write(connection =>
        {
            var changed = false;
            connection.RunInTransaction(() =>
            {
                if (Sample(connection, key) is not { } sample || !change(connection, at))
                    return;
                Decide(connection, sample, at);
                changed = true;
            });
            return changed;
        });

    /// <summary>Devices with a label given or withdrawn at or after <paramref name="sinceMs"/> (Unix ms).</summary>
    public IReadOnlyList<string> DevicesChangedSince(long sinceMs) =>
        database.Read(connection => connection.QueryScalars<string>("""
            SELECT device_id FROM review_labels WHERE labelled_at >= ?1
            UNION SELECT device_id FROM review_labels WHERE withdrawn_at >= ?1
            """, sinceMs));

    /// <summary>Unlabelled samples that carry synthetic ground truth, oldest first.</summary>
    public IReadOnlyList<ReviewSampleRow> UnlabelledWithTruth(int limit) =>
        database.Read(connection => connection.Query<ReviewSampleRow>(
            $"SELECT {SampleColumns} WHERE o.state IS NULL AND json_extract(s.payload, '$.truthLabel') IS NOT NULL ORDER BY s.time, s.device_id, s.epoch, s.seq LIMIT ?",
            limit));

    /// <summary>Sample counts per outcome state, per reason and state, and per device, camera and state.</summary>
    /// <remarks>
    /// Totals come from <c>samples</c> and decided ones from <c>review_outcomes</c> (which has device and camera
    /// itself); unlabelled is the difference. A join of every sample with its outcome would walk the samples in
    /// whatever index order the planner picks (the queue's confidence index) and look each outcome up at random:
    /// measured three times slower at 200,000 samples. Samples are never deleted, so every outcome has its sample.
    /// </remarks>
    public (IReadOnlyList<CountRow> States, IReadOnlyList<CountRow> Reasons, IReadOnlyList<CountRow> Cameras) SampleCounts(string? deviceId) =>
        database.Read(connection =>
        {
            var device = deviceId is null ? "" : "WHERE device_id = ?";
            var outcomeDevice = deviceId is null ? "" : "WHERE o.device_id = ?";
            object[] arguments = deviceId is null ? [] : [deviceId];
            var reasonTotals = connection.Query<CountRow>($"SELECT reason AS a, count(*) AS n FROM samples {device} GROUP BY reason", arguments);
            var reasonDecided = connection.Query<CountRow>($"""
                SELECT s.reason AS a, o.state AS b, count(*) AS n FROM review_outcomes o
                JOIN samples s ON s.device_id = o.device_id AND s.epoch = o.epoch AND s.seq = o.seq {outcomeDevice} GROUP BY 1, 2
                """, arguments);
            var cameraTotals = connection.Query<CountRow>($"SELECT device_id AS a, camera_id AS b, count(*) AS n FROM samples {device} GROUP BY 1, 2", arguments);
            var cameraDecided = connection.Query<CountRow>($"SELECT device_id AS a, camera_id AS b, state AS c, count(*) AS n FROM review_outcomes {device} GROUP BY 1, 2, 3", arguments);

            var states = StateCounts(connection, device, arguments);
            var reasons = reasonDecided.ToList();
            foreach (var reason in reasonTotals)
                AddUnlabelled(reasons, reason.N - reasonDecided.Where(r => r.A == reason.A).Sum(r => r.N), new CountRow { A = reason.A, B = ReviewStates.Unlabelled });
            var cameras = cameraDecided.ToList();
            foreach (var camera in cameraTotals)
                AddUnlabelled(cameras, camera.N - cameraDecided.Where(r => r.A == camera.A && r.B == camera.B).Sum(r => r.N),
                    new CountRow { A = camera.A, B = camera.B, C = ReviewStates.Unlabelled });
            return (states, (IReadOnlyList<CountRow>)reasons, (IReadOnlyList<CountRow>)cameras);
        });

    /// <summary>Sample counts per outcome state (<c>a</c>), unlabelled included: what <c>/metrics</c> reads at each scrape.</summary>
    public IReadOnlyList<CountRow> StateCounts() => database.Read(connection => StateCounts(connection, "", []));

    private static IReadOnlyList<CountRow> StateCounts(SQLiteConnection connection, string device, object[] arguments)
    {
        var total = connection.ExecuteScalar<long>($"SELECT count(*) FROM samples {device}", arguments);
        var states = connection.Query<CountRow>($"SELECT state AS a, count(*) AS n FROM review_outcomes {device} GROUP BY state", arguments);
        AddUnlabelled(states, total - states.Sum(r => r.N), new CountRow { A = ReviewStates.Unlabelled });
        return states;
    }

    private static void AddUnlabelled(List<CountRow> rows, long unlabelled, CountRow row)
    {
        if (unlabelled <= 0)
            return;
        row.N = unlabelled;
        rows.Add(row);
    }

    /// <summary>
    /// Standing labels by who gave them (a = 1 for the simulated reviewer), distinct reviewers, and among samples with
    /// two or more decisive standing labels how many have all of them the same.
    /// </summary>
    public (long Human, long Simulated, long Reviewers, long MultiplyReviewed, long Agreed) LabelCounts(string? deviceId) =>
        database.Read(connection =>
        {
            var device = deviceId is null ? "" : "AND device_id = ?";
            object[] arguments = deviceId is null ? [] : [deviceId];
            var bySource = connection.Query<CountRow>(
                $"SELECT CAST(simulated AS TEXT) AS a, count(*) AS n FROM review_labels WHERE withdrawn_at IS NULL {device} GROUP BY simulated", arguments);
            var reviewers = connection.ExecuteScalar<long>(
                $"SELECT count(DISTINCT reviewer) FROM review_labels WHERE withdrawn_at IS NULL {device}", arguments);
            var decisive = $"""
                SELECT count(*) FROM (SELECT 1 FROM review_labels
                    WHERE withdrawn_at IS NULL AND label != '{ReviewLabels.Unsure}' {device}
                    GROUP BY device_id, epoch, seq HAVING count(*) >= 2 AND count(DISTINCT label) >= ?)
                """;
            var multiply = connection.ExecuteScalar<long>(decisive, [.. arguments, 1]);
            var disagreed = connection.ExecuteScalar<long>(decisive, [.. arguments, 2]);
            return (bySource.Where(r => r.A == "0").Sum(r => r.N), bySource.Where(r => r.A == "1").Sum(r => r.N), reviewers,
                multiply, multiply - disagreed);
        });

    private static ReviewSampleRow? Sample(SQLiteConnection connection, SampleKey key) =>
        connection.Query<ReviewSampleRow>($"SELECT {SampleColumns} WHERE s.device_id = ? AND s.epoch = ? AND s.seq = ?",
            key.DeviceId, key.Epoch, key.Seq).FirstOrDefault();

    private static int WithdrawStanding(SQLiteConnection connection, SampleKey key, string reviewer, long at) =>
        connection.Execute(
            "UPDATE review_labels SET withdrawn_at = ? WHERE device_id = ? AND epoch = ? AND seq = ? AND reviewer = ? AND withdrawn_at IS NULL",
            at, key.DeviceId, key.Epoch, key.Seq, reviewer);

    /// <summary>Writes the sample's outcome from its standing labels (see <see cref="ReviewVerdict"/>), or removes it when none stands.</summary>
    private static void Decide(SQLiteConnection connection, ReviewSampleRow sample, long at)
    {
        var standing = connection.QueryScalars<string>(
            "SELECT label FROM review_labels WHERE device_id = ? AND epoch = ? AND seq = ? AND withdrawn_at IS NULL",
            sample.DeviceId, sample.Epoch, sample.Seq);
        if (ReviewVerdict.Of(standing) is not { } verdict)
        {
            connection.Execute("DELETE FROM review_outcomes WHERE device_id = ? AND epoch = ? AND seq = ?", sample.DeviceId, sample.Epoch, sample.Seq);
            return;
        }
        connection.Execute("""
            INSERT INTO review_outcomes (device_id, epoch, seq, camera_id, model_name, model_version, predicted, label, state, time, decided_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
            ON CONFLICT (device_id, epoch, seq) DO UPDATE SET label = ?8, state = ?9, decided_at = ?11
            """, sample.DeviceId, sample.Epoch, sample.Seq, sample.CameraId, sample.ModelName, sample.ModelVersion,
            sample.PredictedLabel, verdict.Label, verdict.State, sample.Time, at);
    }

    private static void AppendFilter(StringBuilder sql, List<object> arguments, ReviewFilter filter)
    {
        void Add(string condition, object value)
        {
            sql.Append(" AND ").Append(condition);
            arguments.Add(value);
        }
        if (filter.DeviceId is { } device) Add("s.device_id = ?", device);
        if (filter.CameraId is { } camera) Add("s.camera_id = ?", camera);
        if (filter.ModelName is { } model) Add("json_extract(s.payload, '$.modelName') = ?", model);
        if (filter.ModelVersion is { } version) Add("json_extract(s.payload, '$.modelVersion') = ?", version);
        if (filter.PredictedLabel is { } label) Add("s.label = ?", label);
        if (filter.Reason is { } reason) Add("s.reason = ?", reason);
        if (filter.NeedsReview is { } needsReview) Add(needsReview ? "s.reason = ?" : "s.reason != ?", SampleReasons.NeedsReview);
        if (filter.MinConfidence is { } min) Add("s.confidence >= ?", min);
        if (filter.MaxConfidence is { } max) Add("s.confidence <= ?", max);
        switch (filter.State)
        {
            case ReviewStates.Unlabelled:
                sql.Append(" AND o.state IS NULL");
                break;
            case ReviewStates.Labelled or ReviewStates.Unsure or ReviewStates.Conflict:
                Add("o.state = ?", filter.State);
                break;
        }
    }
}
