namespace EdgeMlops.CloudHub.Broker;

/// <summary>The hub's password on the external broker, from <see cref="BrokerOptions.PasswordFile"/> or <see cref="BrokerOptions.Password"/>.</summary>
public static class BrokerCredentials
{
    public static string? ReadPassword(BrokerOptions options)
    {
        if (string.IsNullOrEmpty(options.PasswordFile))
            return string.IsNullOrEmpty(options.Password) ? null : options.Password;
        // Secret files usually end with a newline that is not part of the secret.
        return File.ReadAllText(options.PasswordFile).TrimEnd('\r', '\n');
    }
}
