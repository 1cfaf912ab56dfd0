using System.Text;

namespace EdgeMlops.CloudHub.Devices;

/// <summary>Writes the registry as a Mosquitto <c>password_file</c>: one <c>user:$7$...</c> line per enrolled device.</summary>
public static class MosquittoPasswordFile
{
    /// <summary>The file's text.</summary>
    /// <exception cref="ArgumentException">A device id contains ':', which Mosquitto takes as the end of the user name.</exception>
    public static string Format(IEnumerable<EnrolledDevice> devices)
    {
        var text = new StringBuilder();
        foreach (var device in devices)
        {
            if (device.DeviceId.Contains(':'))
                throw new ArgumentException(
                    $"device id '{device.DeviceId}' contains ':', which a Mosquitto password file cannot hold", nameof(devices));
            text.Append(device.DeviceId).Append(':').Append(device.PasswordHash).Append('\n');
        }
        return text.ToString();
    }
}
