using EdgeMlops.CloudHub.Storage;
using EdgeMlops.Contracts;
using SQLite;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// The device registry in the hub database. Revoking keeps the device's row and data but drops its credential, so
/// its history stays queryable and it can be enrolled again.
/// </summary>
public sealed class DeviceRegistry(HubDatabase database, TimeProvider time, ILogger<DeviceRegistry> logger) : IDeviceRegistry
{
    // Verifying an unknown device costs the same PBKDF2 as a known one, so timing does not tell which ids exist.
    private static readonly string DecoyHash = MosquittoPasswordHash.Create(DeviceSecrets.Create());

    /// <summary>
    /// Raised (with the device id) after a device's credential stopped being valid: revoked, or replaced by a new
    /// secret. The embedded broker of the same process listens, and cuts the device's live session.
    /// </summary>
    public event Action<string>? CredentialWithdrawn;

    public DeviceEnrollment Enroll(string deviceId)
    {
        if (DeviceIds.FindProblem(deviceId) is { } problem)
            throw new ArgumentException(problem, nameof(deviceId));
        var secret = DeviceSecrets.Create();
        var hash = MosquittoPasswordHash.Create(secret);
        var now = UnixTime.ToMs(time.GetUtcNow());
        var rekeyed = false;
        var enrolledAt = database.Write(connection =>
        {
            long stored = 0;
            connection.RunInTransaction(() =>
            {
                rekeyed = connection.ExecuteScalar<int>("SELECT count(*) FROM devices WHERE id = ? AND password_hash IS NOT NULL", deviceId) > 0;
                // A device that is still enrolled keeps its enrolment time; a revoked one starts afresh.
                connection.Execute("""
                    INSERT INTO devices (id, enrolled_at, password_hash) VALUES (?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET
                        enrolled_at = CASE WHEN password_hash IS NULL THEN excluded.enrolled_at ELSE enrolled_at END,
                        password_hash = excluded.password_hash
                    """, deviceId, now, hash);
                stored = connection.ExecuteScalar<long>("SELECT enrolled_at FROM devices WHERE id = ?", deviceId);
            });
            return stored;
        });
        logger.LogInformation(rekeyed ? "Gave device {DeviceId} a new secret" : "Enrolled device {DeviceId}", deviceId);
        if (rekeyed)
            RaiseCredentialWithdrawn(deviceId);
        return new DeviceEnrollment(deviceId, secret, UnixTime.FromMs(enrolledAt));
    }

    public bool Verify(string deviceId, string secret)
    {
        if (deviceId is null || secret is null)
            return false;
        var hash = database.Read(connection =>
            connection.ExecuteScalar<string?>("SELECT password_hash FROM devices WHERE id = ? AND password_hash IS NOT NULL", deviceId));
        var matches = MosquittoPasswordHash.Verify(secret, hash ?? DecoyHash);
        return hash is not null && matches;
    }

    public IReadOnlyList<EnrolledDevice> List() =>
        database.Read(connection => connection.Query<CredentialRow>(
                "SELECT id, enrolled_at, password_hash FROM devices WHERE password_hash IS NOT NULL ORDER BY id"))
            .Select(row => new EnrolledDevice(row.Id, UnixTime.FromMs(row.EnrolledAt), row.PasswordHash))
            .ToList();

    public bool Revoke(string deviceId)
    {
        var revoked = database.Write(connection => connection.Execute(
            "UPDATE devices SET password_hash = NULL, online = 0 WHERE id = ? AND password_hash IS NOT NULL", deviceId)) > 0;
        if (revoked)
        {
            logger.LogInformation("Revoked device {DeviceId}", deviceId);
            RaiseCredentialWithdrawn(deviceId);
        }
        return revoked;
    }

    private void RaiseCredentialWithdrawn(string deviceId)
    {
        try
        {
            CredentialWithdrawn?.Invoke(deviceId);
        }
        catch (Exception ex)
        {
            // The credential is gone either way; a listener failing must not make the revoke look failed.
            logger.LogError(ex, "Could not act on the withdrawn credential of device {DeviceId}", deviceId);
        }
    }

    /// <summary>Whether <paramref name="deviceId"/> is enrolled now (it may be revoked a moment later; the ingest writer checks again).</summary>
    public bool IsEnrolled(string deviceId) =>
        database.Read(connection =>
            connection.ExecuteScalar<int>("SELECT count(*) FROM devices WHERE id = ? AND password_hash IS NOT NULL", deviceId)) > 0;

    private sealed class CredentialRow
    {
        [Column("id")] public string Id { get; set; } = "";
        [Column("enrolled_at")] public long EnrolledAt { get; set; }
        [Column("password_hash")] public string PasswordHash { get; set; } = "";
    }
}
