namespace EdgeMlops.CloudHub.Hosting;

/// <summary>
/// The hub cannot start with its configuration: a bad value or an address already in use. The host prints the
/// message, which names <see cref="Key"/>, and exits with code 2.
/// </summary>
public sealed class HubConfigurationException(string key, string message, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The configuration key at fault, e.g. <c>Hub:Broker:Listen</c>.</summary>
    public string Key { get; } = key;
}
