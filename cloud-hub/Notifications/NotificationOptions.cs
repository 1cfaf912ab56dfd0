using Microsoft.Extensions.Options;

namespace EdgeMlops.CloudHub.Notifications;

/// <summary>Webhook delivery of hub notifications (section <c>Hub:Notifications</c>); none when <see cref="WebhookUrl"/> is unset.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Hub:Notifications";

    /// <summary>Where each notification is POSTed as JSON; unset: notifications are dropped silently by design (nobody listens).</summary>
    public string? WebhookUrl { get; set; }

    /// <summary>The HMAC-SHA256 key of the <c>X-EdgeMlops-Signature</c> header; required with <see cref="WebhookUrl"/>.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Notifications waiting for delivery at most; more are dropped, counted and logged.</summary>
    public int QueueCapacity { get; set; } = 1000;

    /// <summary>Attempts per notification before it is given up (logged and counted).</summary>
    public int MaxAttempts { get; set; } = 6;

    /// <summary>Wait before the second attempt; doubled for each later one, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long settled notifications (delivered, given up, dropped) stay in the delivery log.</summary>
    public TimeSpan LogRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long one POST may take.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Refuses a <c>Hub:Notifications</c> section the sender cannot work with, naming the key.</summary>
public sealed class NotificationOptionsValidator : IValidateOptions<NotificationOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationOptions options)
    {
        var failures = new List<string>();
        var s = NotificationOptions.Section;
        if (options.WebhookUrl is { Length: > 0 } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                failures.Add($"{s}:WebhookUrl '{url}' is not an absolute http:// or https:// URL.");
            if (string.IsNullOrEmpty(options.WebhookSecret) || options.WebhookSecret.Length < 16)
                failures.Add($"{s}:WebhookSecret must be set (16 characters or more) when {s}:WebhookUrl is: receivers check the signature with it.");
        }
        if (options.QueueCapacity < 1)
            failures.Add($"{s}:QueueCapacity must be at least 1, got {options.QueueCapacity}.");
        if (options.MaxAttempts < 1)
            failures.Add($"{s}:MaxAttempts must be at least 1, got {options.MaxAttempts}.");
        if (options.RetryDelay <= TimeSpan.Zero || options.MaxRetryDelay < options.RetryDelay)
            failures.Add($"{s}:RetryDelay must be positive and at most {s}:MaxRetryDelay, got {options.RetryDelay} and {options.MaxRetryDelay}.");
        if (options.LogRetention < TimeSpan.FromHours(1))
            failures.Add($"{s}:LogRetention must be at least 1 hour, got {options.LogRetention}.");
        if (options.Timeout <= TimeSpan.Zero)
            failures.Add($"{s}:Timeout must be positive, got {options.Timeout}.");
        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}
