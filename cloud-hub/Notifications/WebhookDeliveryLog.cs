using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>A notification waiting for the webhook: its row id and the exact body to POST.</summary>
public sealed record QueuedNotification(long Id, string Kind, string Subject, byte[] Body);

/// <summary>
/// The webhook's durable queue and delivery log in the hub database: one <c>webhook_notifications</c> row per
/// notification (pending until delivered or given up, so a hub stopped mid-delivery sends it after its next start) and
/// one <c>webhook_deliveries</c> row per POST attempt with its outcome, HTTP status and duration.
/// </summary>
public sealed class WebhookDeliveryLog(HubDatabase database)
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string GivenUp = "given-up";
    public const string Dropped = "dropped";

    /// <summary>Stores a new pending notification; returns its id.</summary>
    public long Add(string kind, string subject, DateTimeOffset at, byte[] body) =>
        database.Write(connection =>
        {
            connection.Execute($"INSERT INTO webhook_notifications (kind, subject, created_at, body, state) VALUES (?, ?, ?, ?, '{Pending}')",
                kind, subject, UnixTime.ToMs(at), System.Text.Encoding.UTF8.GetString(body));
            return connection.ExecuteScalar<long>("SELECT last_insert_rowid()");
        });

    /// <summary>Pending notifications older than <paramref name="before"/> (an id), oldest first.</summary>
    public IReadOnlyList<QueuedNotification> PendingBefore(long before) =>
        database.Read(connection => connection.Query<NotificationRow>(
                $"SELECT id, kind, subject, created_at, body, state, attempts, finished_at FROM webhook_notifications WHERE state = '{Pending}' AND id < ? ORDER BY id", before))
            .Select(row => new QueuedNotification(row.Id, row.Kind, row.Subject, System.Text.Encoding.UTF8.GetBytes(row.Body)))
            .ToList();

    /// <summary>Records one POST attempt and, when it settled the notification, its final state.</summary>
    /// <param name="final">delivered or given-up; null while retries are left.</param>
    public void Attempt(long id, int attempt, DateTimeOffset at, int? status, string? problem, TimeSpan duration, string? final) =>
        database.Write(connection =>
        {
            connection.RunInTransaction(() =>
            {
                connection.Execute("""
                    INSERT INTO webhook_deliveries (notification_id, attempt, time, outcome, status, problem, duration_ms) VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, id, attempt, UnixTime.ToMs(at), problem is null ? Delivered : "failed", status, problem, (long)duration.TotalMilliseconds);
                connection.Execute("UPDATE webhook_notifications SET attempts = ?, state = coalesce(?, state), finished_at = ? WHERE id = ?",
                    attempt, final, final is null ? null : UnixTime.ToMs(at), id);
            });
            return 0;
        });

    /// <summary>Deletes settled notifications (delivered, given up, dropped) finished before <paramref name="before"/>, with their attempts.</summary>
    /// <returns>How many notifications were deleted.</returns>
    public int Prune(DateTimeOffset before) =>
        database.Write(connection =>
        {
            var deleted = 0;
            connection.RunInTransaction(() =>
            {
                var cutoff = UnixTime.ToMs(before);
                connection.Execute($"DELETE FROM webhook_deliveries WHERE notification_id IN (SELECT id FROM webhook_notifications WHERE state <> '{Pending}' AND finished_at < ?)", cutoff);
                deleted = connection.Execute($"DELETE FROM webhook_notifications WHERE state <> '{Pending}' AND finished_at < ?", cutoff);
            });
            return deleted;
        });

    /// <summary>The queue was full: the notification will not be sent.</summary>
    public void MarkDropped(long id, DateTimeOffset at) =>
        database.Write(connection => connection.Execute(
            $"UPDATE webhook_notifications SET state = '{Dropped}', finished_at = ? WHERE id = ?", UnixTime.ToMs(at), id));

    /// <summary>Notifications newest first (ids under <paramref name="before"/> when given), each with every attempt.</summary>
    public IReadOnlyList<WebhookDeliveryView> Recent(int limit, long? before = null, string? state = null) =>
        database.Read(connection =>
        {
            var rows = connection.Query<NotificationRow>("""
                SELECT id, kind, subject, created_at, body, state, attempts, finished_at FROM webhook_notifications
                WHERE id < ? AND (? IS NULL OR state = ?) ORDER BY id DESC LIMIT ?
                """, before ?? long.MaxValue, state, state, limit);
            return rows.Select(row => new WebhookDeliveryView(row.Id, row.Kind, row.Subject, UnixTime.FromMs(row.CreatedAt), row.State, row.Attempts,
                    UnixTime.FromMs(row.FinishedAt),
                    connection.Query<AttemptRow>("SELECT attempt, time, outcome, status, problem, duration_ms FROM webhook_deliveries WHERE notification_id = ? ORDER BY attempt", row.Id)
                        .Select(a => new WebhookAttemptView(a.Attempt, UnixTime.FromMs(a.Time), a.Outcome, a.Status, a.Problem, a.DurationMs)).ToList()))
                .ToList();
        });

    private sealed class NotificationRow
    {
        [Column("id")] public long Id { get; set; }
        [Column("kind")] public string Kind { get; set; } = "";
        [Column("subject")] public string Subject { get; set; } = "";
        [Column("created_at")] public long CreatedAt { get; set; }
        [Column("body")] public string Body { get; set; } = "";
        [Column("state")] public string State { get; set; } = "";
        [Column("attempts")] public int Attempts { get; set; }
        [Column("finished_at")] public long? FinishedAt { get; set; }
    }

    private sealed class AttemptRow
    {
        [Column("attempt")] public int Attempt { get; set; }
        [Column("time")] public long Time { get; set; }
        [Column("outcome")] public string Outcome { get; set; } = "";
        [Column("status")] public int? Status { get; set; }
        [Column("problem")] public string? Problem { get; set; }
        [Column("duration_ms")] public long DurationMs { get; set; }
    }
}

/// <summary>One webhook notification as <c>GET /api/notifications/deliveries</c> shows it.</summary>
public sealed record WebhookDeliveryView(long Id, string Kind, string Subject, DateTimeOffset CreatedAt, string State, int Attempts,
    DateTimeOffset? FinishedAt, IReadOnlyList<WebhookAttemptView> Deliveries);

/// <summary>One POST of a notification: when, delivered or failed, the HTTP status (none without an answer), why, how long.</summary>
public sealed record WebhookAttemptView(int Attempt, DateTimeOffset Time, string Outcome, int? Status, string? Problem, long DurationMs);
