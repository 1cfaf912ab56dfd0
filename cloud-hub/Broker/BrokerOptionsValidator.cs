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
        else if (!ListenAddress.TryParse(options.Listen, out _, out var listenProblem))
        {
            problems.Add(listenProblem!);
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

    private static void CheckPositive(List<string> problems, string key, TimeSpan value, TimeSpan max)
    {
        if (value <= TimeSpan.Zero || value > max)
            problems.Add($"{BrokerOptions.Section}:{key} must be above zero and at most {max}; got {value}.");
    }
}
