using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Pipeline;

/// <summary>
/// Fails the start when a configured camera is incomplete (no Source, a bad Id, a setting out of range): that is a
/// typo to fix, not a runtime condition, and a box that starts without it would report nothing for that camera.
/// A camera whose source is well-formed but cannot be opened is a runtime condition: it reports its error and the
/// others run.
/// </summary>
public sealed class CameraListValidator(IValidateOptions<CameraOptions> cameraValidator) : IValidateOptions<CameraList>
{
    public ValidateOptionsResult Validate(string? name, CameraList options)
    {
        var failures = new List<string>();
        for (var i = 0; i < options.Cameras.Count; i++)
        {
            var result = cameraValidator.Validate(options.Cameras[i].Id, options.Cameras[i]);
            if (result.Failed)
                failures.AddRange(result.Failures.Select(f => $"{CameraList.SectionName}:{i}: {f}"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
