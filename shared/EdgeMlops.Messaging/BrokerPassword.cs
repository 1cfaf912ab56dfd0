namespace EdgeMlops.Messaging;

/// <summary>The password towards a broker: from a file when one is configured (the way to keep it out of process
/// listings and configuration dumps), else the inline one.</summary>
public static class BrokerPassword
{
    /// <param name="passwordFileKey">The configuration key of <paramref name="passwordFile"/>, named when it cannot be read.</param>
    /// <returns>The password; null when neither is set (an empty one counts as not set).</returns>
    /// <exception cref="InvalidOperationException">The file cannot be read; the message names the key.</exception>
    public static string? Resolve(string? password, string? passwordFile, string passwordFileKey)
    {
        if (string.IsNullOrEmpty(passwordFile))
            return string.IsNullOrEmpty(password) ? null : password;
        try
        {
            // A trailing newline is how editors and `echo` leave files; it is never part of the password.
            return File.ReadAllText(passwordFile).TrimEnd('\r', '\n');
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"{passwordFileKey} '{passwordFile}' cannot be read: {e.Message}", e);
        }
    }
}
