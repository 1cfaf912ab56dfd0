using SQLite;

namespace EdgeMlops.Sync.Tests.Support;

/// <summary>Reads, straight from the files, what a device sent (its outbox) and what the hub stored.</summary>
internal static class StoredRecords
{
    /// <summary>Every (epoch, seq) the hub stored for <paramref name="deviceId"/>, duplicates included if there were any.</summary>
    public static List<(long Epoch, long Seq)> AtHub(string hubDatabase, string deviceId)
    {
        if (!File.Exists(hubDatabase))
            return [];
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        return db.Query<Key>(
                "SELECT epoch AS Epoch, seq AS Seq FROM events WHERE device_id = ?1 UNION ALL " +
                "SELECT epoch, seq FROM stats WHERE device_id = ?1 UNION ALL " +
                "SELECT epoch, seq FROM samples WHERE device_id = ?1 UNION ALL " +
                "SELECT epoch, seq FROM precision_reports WHERE device_id = ?1", deviceId)
            .Select(k => (k.Epoch, k.Seq)).ToList();
    }

    /// <summary>How many records the hub stored for <paramref name="deviceId"/>.</summary>
    public static long CountAtHub(string hubDatabase, string deviceId)
    {
        if (!File.Exists(hubDatabase))
            return 0;
        using var db = new SQLiteConnection(hubDatabase, SQLiteOpenFlags.ReadOnly);
        return db.ExecuteScalar<long>(
            "SELECT (SELECT COUNT(*) FROM events WHERE device_id = ?1) + (SELECT COUNT(*) FROM stats WHERE device_id = ?1) + " +
            "(SELECT COUNT(*) FROM samples WHERE device_id = ?1) + (SELECT COUNT(*) FROM precision_reports WHERE device_id = ?1)", deviceId);
    }

    /// <summary>The agent's outbox as it stands: epoch, last seq issued, records still pending, records ever evicted.</summary>
    public static AgentOutbox AtAgent(string agentDatabase)
    {
        using var db = new SQLiteConnection(agentDatabase, SQLiteOpenFlags.ReadOnly);
        long Meta(string key) => db.ExecuteScalar<long>("SELECT COALESCE((SELECT value FROM meta WHERE key = ?), 0)", key);
        return new AgentOutbox(
            Meta("epoch"),
            Meta("last_seq"),
            db.ExecuteScalar<long>("SELECT COUNT(*) FROM outbox"),
            Meta("evicted_samples") + Meta("evicted_stats") + Meta("evicted_precision") + Meta("evicted_events"));
    }

    private sealed class Key
    {
        public long Epoch { get; set; }
        public long Seq { get; set; }
    }
}

internal sealed record AgentOutbox(long Epoch, long LastSeq, long Pending, long Evicted);
