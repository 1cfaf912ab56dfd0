using EdgeMlops.CloudHub.Hosting;
using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Broker;

/// <summary>Checks <see cref="BrokerOptions"/> at start, so a typo stops the hub with the key named instead of failing later.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var problems = new List<string>();
        if (options.IsExternal)
        {
            if (!options.TryParseUrl(out _, out var urlProblem))
                problems.Add(urlProblem);
            if (string.IsNullOrWhiteSpace(options.ClientId))
                problems.Add($"{BrokerOptions.Section}:ClientId is empty.");
            if (!string.IsNullOrEmpty(options.PasswordFile) && !File.Exists(options.PasswordFile))
                problems.Add($"{BrokerOptions.Section}:PasswordFile '{options.PasswordFile}' does not exist.");
            if (!string.IsNullOrEmpty(options.PasswordFile) && !string.IsNullOrEmpty(options.Password))
                problems.Add($"{BrokerOptions.Section}:Password and :PasswordFile are both set; keep one.");
        }
        else
        {
            if (!ListenAddress.TryParse(options.Listen, out _, out var listenProblem))
                problems.Add(listenProblem!);
            if (options.UsesTls && FindTlsProblem(options) is { } tlsProblem)
                problems.Add(tlsProblem);
            if (options.MaxConnections < 1)
                problems.Add($"{BrokerOptions.Section}:MaxConnections must be at least 1; got {options.MaxConnections}.");
            if (options.MaxConnectionsPerAddress < 1)
                problems.Add($"{BrokerOptions.Section}:MaxConnectionsPerAddress must be at least 1; got {options.MaxConnectionsPerAddress}.");
            if (options.MaxConnectPacketBytes is < 256 or > 1024 * 1024)
                problems.Add($"{BrokerOptions.Section}:MaxConnectPacketBytes must be between 256 and 1048576; got {options.MaxConnectPacketBytes}.");
            CheckPositive(problems, "ConnectTimeout", options.ConnectTimeout, TimeSpan.FromMinutes(5));
        }
        CheckPositive(problems, "SessionExpiry", options.SessionExpiry, TimeSpan.FromSeconds(uint.MaxValue));
        CheckPositive(problems, "KeepAlive", options.KeepAlive, TimeSpan.FromSeconds(ushort.MaxValue));
        CheckPositive(problems, "ReconnectMinDelay", options.ReconnectMinDelay, TimeSpan.FromHours(1));
        CheckPositive(problems, "ReconnectMaxDelay", options.ReconnectMaxDelay, TimeSpan.FromHours(1));
        CheckPositive(problems, "StartupConnectTimeout", options.StartupConnectTimeout, TimeSpan.FromHours(1));
        if (options.ReconnectMaxDelay < options.ReconnectMinDelay)
            problems.Add($"{BrokerOptions.Section}:ReconnectMaxDelay is shorter than :ReconnectMinDelay.");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static string? FindTlsProblem(BrokerOptions options)
    {
        const string CertificateKey = BrokerOptions.Section + ":Certificate", KeyKey = BrokerOptions.Section + ":Key";
        if (string.IsNullOrEmpty(options.Certificate))
            return $"{KeyKey} is set but {CertificateKey} (PEM file) is not; set both to serve MQTT over TLS.";
        if (string.IsNullOrEmpty(options.Key))
            return $"{CertificateKey} is set but {KeyKey} (PEM file) is not; set both to serve MQTT over TLS.";
        return PemCertificateFiles.FindProblem(CertificateKey, options.Certificate, KeyKey, options.Key);
    }

    private static void CheckPositive(List<string> problems, string key, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
            problems.Add($"{BrokerOptions.Section}:{key} must be above zero and at most {max}; got {value}.");
    }
}
