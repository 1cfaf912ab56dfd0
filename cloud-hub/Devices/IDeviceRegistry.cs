namespace EdgeMlops.CloudHub.Devices;

/// <summary>
/// The devices allowed to connect, each with a secret. Secrets are stored only as salted PBKDF2-SHA512 hashes in
/// Mosquitto's <c>$7$</c> password-file format, so the same registry can write a Mosquitto password file.
/// </summary>
public interface IDeviceRegistry
{
    /// <summary>Enrolls <paramref name="deviceId"/> (or gives an enrolled one a new secret); the secret is returned once, never stored.</summary>
    /// <exception cref="ArgumentException">The device id is not valid (<see cref="Contracts.DeviceIds"/>).</exception>
    DeviceEnrollment Enroll(string deviceId);

    /// <summary>Whether <paramref name="deviceId"/> is enrolled now.</summary>
    bool IsEnrolled(string deviceId);

    /// <summary>Whether <paramref name="deviceId"/> is enrolled and <paramref name="secret"/> is its secret.</summary>
    bool Verify(string deviceId, string secret);

    /// <summary>Every enrolled device.</summary>
    IReadOnlyList<EnrolledDevice> List();

    /// <summary>Removes <paramref name="deviceId"/>; false when it was not enrolled.</summary>
    bool Revoke(string deviceId);
}

/// <summary>A device just enrolled, with its secret in the clear: show it to the operator once.</summary>
public sealed record DeviceEnrollment(string DeviceId, string Secret, DateTimeOffset EnrolledAt);

/// <summary>An enrolled device as the registry keeps it.</summary>
/// <param name="PasswordHash">The secret's hash in Mosquitto's <c>$7$</c> format (PBKDF2-SHA512).</param>
public sealed record EnrolledDevice(string DeviceId, DateTimeOffset EnrolledAt, string PasswordHash);
