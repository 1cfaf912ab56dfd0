using EdgeMlops.EdgeAgent.Capture;
using Microsoft.Extensions.Options;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class CameraOptionsValidatorTests
{
    private static CameraOptions Valid() => new()
    {
        Id = "east-2",
        Source = "rtsp://10.0.0.2/stream",
        TargetFps = 10,
        RegionOfInterest = [new() { X = 0, Y = 100 }, new() { X = 640, Y = 100 }, new() { X = 640, Y = 480 }],
        CountingLine = new() { From = new() { X = 0, Y = 300 }, To = new() { X = 640, Y = 300 } },
    };

    [Fact]
    public void Complete_options_pass()
    {
        Assert.True(new CameraOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    public static TheoryData<Action<CameraOptions>, string> Problems => new()
    {
        { o => o.Source = " ", "Camera 'east-2': Source is required" },
        { o => o.Id = "east 2", "Id may contain only letters" },
        { o => o.TargetFps = 0, "TargetFps must be greater than 0" },
        { o => o.QueueCapacity = 0, "QueueCapacity must be from 1 to 1000" },
        { o => o.MaxFramesInFlight = 5, "MaxFramesInFlight must be at least QueueCapacity + 2 (6)" },
        { o => o.ReadTimeout = TimeSpan.Zero, "ReadTimeout must be positive" },
        { o => o.RegionOfInterest = [new() { X = 1, Y = 1 }, new() { X = 5, Y = 5 }], "RegionOfInterest needs at least three corners; got 2" },
        { o => o.RegionOfInterest[0].X = -4, "RegionOfInterest corners must not be negative" },
        { o => o.CountingLine!.To = new() { X = 0, Y = 300 }, "CountingLine needs two different points" },
        { o => o.Reconnect.MaxDelay = TimeSpan.FromMilliseconds(10), "Reconnect:MaxDelay" },
        { o => o.Reconnect.Multiplier = 0.5, "Reconnect:Multiplier must be at least 1" },
        { o => o.Reconnect.Jitter = 1, "Reconnect:Jitter" },
    };

    [Theory]
    [MemberData(nameof(Problems))]
    public void Each_problem_is_reported_with_the_camera_and_the_setting(Action<CameraOptions> spoil, string expected)
    {
        var options = Valid();
        spoil(options);

        var error = Assert.Throws<OptionsValidationException>(() => CameraOptionsValidator.ThrowIfInvalid(options));

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_capture_refuses_invalid_options_before_touching_the_source()
    {
        var options = Valid();
        options.TargetFps = -1;

        Assert.Throws<OptionsValidationException>(() => Support.CaptureRun.Create(options));
    }
}
