using EdgeMlops.CloudHub.Storage;
using SQLite;

namespace EdgeMlops.CloudHub.Registry;

/// <summary>One registered version as the registry keeps it.</summary>
/// <param name="ManifestSha256">SHA-256 of the fleet-signed manifest the hub serves.</param>
/// <param name="ContentSha256">SHA-256 of the manifest's signed content (signature left out): the version's identity.</param>
/// <param name="MetricsJson">The manifest's evaluations, as JSON.</param>
/// <param name="CanaryMetricsJson">The canary set as the hub scored it at registration, as JSON.</param>
/// <param name="Size">Bytes of all the version's files.</param>
public sealed record RegisteredVersion(
    string Name,
    string Version,
    string ManifestSha256,
    string ContentSha256,
    string PublisherManifestSha256,
    string PublisherKeyId,
    DateTimeOffset RegisteredAt,
    string RegisteredBy,
    string? Notes,
    string? ParentVersion,
    string? TrainingDataHash,
    string MetricsJson,
    string CanaryMetricsJson,
    long Size);

/// <summary>One file of a registered version; its content is the blob named <paramref name="Sha256"/>.</summary>
public sealed record RegisteredFile(string Path, string Sha256, long Size);

/// <summary>One move of an alias: from a version (null: the alias was new) to another (null: the alias was removed).</summary>
public sealed record AliasMove(long Id, DateTimeOffset Time, string Operator, string Name, string Alias, string? From, string? To, string Reason);

/// <summary>
/// The registry's rows in the hub database (schema step 4): versions, their files, aliases and alias moves. A
/// (name, version) is written once and never changed.
/// </summary>
public sealed class ModelVersionBook(HubDatabase database)
{
    private const string VersionColumns = """
        name, version, manifest_sha256, content_sha256, publisher_manifest_sha256, publisher_key_id, registered_at,
        registered_by, notes, parent_version, training_data_hash, metrics_json, canary_metrics_json, size
        """;

    public RegisteredVersion? Find(string name, string version) =>
        database.Read(c => c.Query<VersionRow>($"SELECT {VersionColumns} FROM model_versions WHERE name = ? AND version = ?", name, version))
            .Select(ToVersion).FirstOrDefault();

    /// <summary>Every version, by name, newest registration first within a name.</summary>
    public IReadOnlyList<RegisteredVersion> All() =>
        database.Read(c => c.Query<VersionRow>($"SELECT {VersionColumns} FROM model_versions ORDER BY name, registered_at DESC, version"))
            .Select(ToVersion).ToList();

    /// <summary>The versions of <paramref name="name"/>, newest registration first.</summary>
    public IReadOnlyList<RegisteredVersion> Versions(string name) =>
        database.Read(c => c.Query<VersionRow>($"SELECT {VersionColumns} FROM model_versions WHERE name = ? ORDER BY registered_at DESC, version", name))
            .Select(ToVersion).ToList();

    public IReadOnlyList<RegisteredFile> Files(string name, string version) =>
        database.Read(c => c.Query<FileRow>("SELECT path, sha256, size FROM model_files WHERE name = ? AND version = ? ORDER BY path", name, version))
            .Select(row => new RegisteredFile(row.Path, row.Sha256, row.Size)).ToList();

    /// <summary>Whether a file of that content belongs to the version.</summary>
    public bool HasFile(string name, string version, string sha256) =>
        database.Read(c => c.ExecuteScalar<long>("SELECT count(*) FROM model_files WHERE name = ? AND version = ? AND sha256 = ?", name, version, sha256)) > 0;

    /// <summary>Stores a new version with its files; returns the version already stored instead when (name, version) exists.</summary>
    public RegisteredVersion? TryAdd(RegisteredVersion version, IReadOnlyList<RegisteredFile> files) =>
        database.Write(c =>
        {
            var existing = c.Query<VersionRow>($"SELECT {VersionColumns} FROM model_versions WHERE name = ? AND version = ?", version.Name, version.Version)
                .Select(ToVersion).FirstOrDefault();
            if (existing is not null)
                return existing;
            c.RunInTransaction(() =>
            {
                c.Execute($"INSERT INTO model_versions ({VersionColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    version.Name, version.Version, version.ManifestSha256, version.ContentSha256, version.PublisherManifestSha256,
                    version.PublisherKeyId, UnixTime.ToMs(version.RegisteredAt), version.RegisteredBy, version.Notes,
                    version.ParentVersion, version.TrainingDataHash, version.MetricsJson, version.CanaryMetricsJson, version.Size);
                foreach (var file in files)
                    c.Execute("INSERT INTO model_files (name, version, path, sha256, size) VALUES (?, ?, ?, ?, ?)",
                        version.Name, version.Version, file.Path, file.Sha256, file.Size);
            });
            return null;
        });

    /// <summary>The aliases of <paramref name="name"/> and the version each names.</summary>
    public IReadOnlyDictionary<string, string> Aliases(string name) =>
        database.Read(c => c.Query<AliasRow>("SELECT alias, version FROM aliases WHERE name = ? ORDER BY alias", name))
            .ToDictionary(row => row.Alias, row => row.Version, StringComparer.Ordinal);

    public string? AliasTarget(string name, string alias) =>
        database.Read(c => c.ExecuteScalar<string?>("SELECT version FROM aliases WHERE name = ? AND alias = ?", name, alias));

    /// <summary>Points <paramref name="alias"/> at <paramref name="to"/> (null removes it) and records the move, in one transaction.</summary>
    /// <returns>The move, or null when the alias already named <paramref name="to"/> (nothing changed, nothing recorded).</returns>
    public AliasMove? Move(string name, string alias, string? to, string actor, string reason, DateTimeOffset at) =>
        database.Write(c =>
        {
            var from = c.ExecuteScalar<string?>("SELECT version FROM aliases WHERE name = ? AND alias = ?", name, alias);
            if (from == to)
                return null;
            long id = 0;
            c.RunInTransaction(() =>
            {
                if (to is null)
                    c.Execute("DELETE FROM aliases WHERE name = ? AND alias = ?", name, alias);
                else
                    c.Execute("INSERT INTO aliases (name, alias, version) VALUES (?1, ?2, ?3) ON CONFLICT (name, alias) DO UPDATE SET version = ?3", name, alias, to);
                c.Execute("INSERT INTO alias_moves (time, operator, name, alias, from_version, to_version, reason) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    UnixTime.ToMs(at), actor, name, alias, from, to, reason);
                id = c.ExecuteScalar<long>("SELECT last_insert_rowid()");
            });
            return new AliasMove(id, at, actor, name, alias, from, to, reason);
        });

    /// <summary>Every alias move of <paramref name="name"/>, oldest first.</summary>
    public IReadOnlyList<AliasMove> History(string name) =>
        database.Read(c => c.Query<MoveRow>(
                "SELECT id, time, operator, name, alias, from_version, to_version, reason FROM alias_moves WHERE name = ? ORDER BY id", name))
            .Select(row => new AliasMove(row.Id, UnixTime.FromMs(row.Time), row.Operator, row.Name, row.Alias, row.From, row.To, row.Reason))
            .ToList();

    private static RegisteredVersion ToVersion(VersionRow row) => new(
        row.Name, row.Version, row.ManifestSha256, row.ContentSha256, row.PublisherManifestSha256, row.PublisherKeyId,
        UnixTime.FromMs(row.RegisteredAt), row.RegisteredBy, row.Notes, row.ParentVersion, row.TrainingDataHash,
        row.MetricsJson, row.CanaryMetricsJson, row.Size);

    private sealed class VersionRow
    {
        [Column("name")] public string Name { get; set; } = "";
        [Column("version")] public string Version { get; set; } = "";
        [Column("manifest_sha256")] public string ManifestSha256 { get; set; } = "";
        [Column("content_sha256")] public string ContentSha256 { get; set; } = "";
        [Column("publisher_manifest_sha256")] public string PublisherManifestSha256 { get; set; } = "";
        [Column("publisher_key_id")] public string PublisherKeyId { get; set; } = "";
        [Column("registered_at")] public long RegisteredAt { get; set; }
        [Column("registered_by")] public string RegisteredBy { get; set; } = "";
        [Column("notes")] public string? Notes { get; set; }
        [Column("parent_version")] public string? ParentVersion { get; set; }
        [Column("training_data_hash")] public string? TrainingDataHash { get; set; }
        [Column("metrics_json")] public string MetricsJson { get; set; } = "";
        [Column("canary_metrics_json")] public string CanaryMetricsJson { get; set; } = "";
        [Column("size")] public long Size { get; set; }
    }

    private sealed class FileRow
    {
        [Column("path")] public string Path { get; set; } = "";
        [Column("sha256")] public string Sha256 { get; set; } = "";
        [Column("size")] public long Size { get; set; }
    }

    private sealed class AliasRow
    {
        [Column("alias")] public string Alias { get; set; } = "";
        [Column("version")] public string Version { get; set; } = "";
    }

    private sealed class MoveRow
    {
        [Column("id")] public long Id { get; set; }
        [Column("time")] public long Time { get; set; }
        [Column("operator")] public string Operator { get; set; } = "";
        [Column("name")] public string Name { get; set; } = "";
        [Column("alias")] public string Alias { get; set; } = "";
        [Column("from_version")] public string? From { get; set; }
        [Column("to_version")] public string? To { get; set; }
        [Column("reason")] public string Reason { get; set; } = "";
    }
}
