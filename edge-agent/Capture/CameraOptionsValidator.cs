using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Capture;

/// <summary>Checks one camera's options and names the camera and the setting in every complaint.</summary>
public sealed class CameraOptionsValidator : IValidateOptions<CameraOptions>
{
    public const double MaxTargetFps = 240;

    public ValidateOptionsResult Validate(string? name, CameraOptions options)
    {
        var errors = Problems(options).ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <exception cref="OptionsValidationException">The options have at least one problem; all of them are listed.</exception>
    public static void ThrowIfInvalid(CameraOptions options)
    {
        var errors = Problems(options).ToList();
        if (errors.Count > 0)
            throw new OptionsValidationException(options.Id, typeof(CameraOptions), errors);
    }

    private static IEnumerable<string> Problems(CameraOptions o)
    {
        var camera = string.IsNullOrWhiteSpace(o.Id) ? "Camera (no Id)" : $"Camera '{o.Id}'";
        if (string.IsNullOrWhiteSpace(o.Id))
            yield return $"{camera}: Id is required.";
        else if (!o.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            yield return $"{camera}: Id may contain only letters, digits, '-', '_' and '.'.";
        if (string.IsNullOrWhiteSpace(o.Source))
            yield return $"{camera}: Source is required (a file path, rtsp://, http(s)://, /dev/videoN, ...).";
        if (o.TargetFps is { } fps && !(fps > 0 && fps <= MaxTargetFps))
            yield return $"{camera}: TargetFps must be greater than 0 and at most {MaxTargetFps}, or left out to keep the source's rate; got {fps}.";
        if (o.QueueCapacity is < 1 or > 1000)
            yield return $"{camera}: QueueCapacity must be from 1 to 1000; got {o.QueueCapacity}.";
        // One buffer is being decoded into and one may be held downstream while the queue is full.
        if (o.MaxFramesInFlight < o.QueueCapacity + 2)
            yield return $"{camera}: MaxFramesInFlight must be at least QueueCapacity + 2 ({o.QueueCapacity + 2}); got {o.MaxFramesInFlight}.";
        if (o.OpenTimeout <= TimeSpan.Zero)
            yield return $"{camera}: OpenTimeout must be positive; got {o.OpenTimeout}.";
        if (o.ReadTimeout <= TimeSpan.Zero)
            yield return $"{camera}: ReadTimeout must be positive; got {o.ReadTimeout}.";

        var roi = o.RegionOfInterest;
        if (roi.Count is > 0 and < 3)
            yield return $"{camera}: RegionOfInterest needs at least three corners; got {roi.Count}.";
        if (roi.Any(p => p.X < 0 || p.Y < 0))
            yield return $"{camera}: RegionOfInterest corners must not be negative; got {string.Join(" ", roi)}.";

        if (o.CountingLine is { } line)
        {
            if (line.From.X == line.To.X && line.From.Y == line.To.Y)
                yield return $"{camera}: CountingLine needs two different points; got {line.From} twice.";
            if (line.From.X < 0 || line.From.Y < 0 || line.To.X < 0 || line.To.Y < 0)
                yield return $"{camera}: CountingLine points must not be negative; got {line.From} to {line.To}.";
        }

        var r = o.Reconnect;
        if (r.InitialDelay <= TimeSpan.Zero)
            yield return $"{camera}: Reconnect:InitialDelay must be positive; got {r.InitialDelay}.";
        if (r.MaxDelay < r.InitialDelay)
            yield return $"{camera}: Reconnect:MaxDelay ({r.MaxDelay}) must not be shorter than Reconnect:InitialDelay ({r.InitialDelay}).";
        if (!(r.Multiplier >= 1))
            yield return $"{camera}: Reconnect:Multiplier must be at least 1; got {r.Multiplier}.";
        if (!(r.Jitter is >= 0 and < 1))
            yield return $"{camera}: Reconnect:Jitter must be from 0 up to (not including) 1; got {r.Jitter}.";
    }
}
