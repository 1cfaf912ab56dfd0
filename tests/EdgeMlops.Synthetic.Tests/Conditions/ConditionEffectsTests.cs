using EdgeMlops.Synthetic.Conditions;
using EdgeMlops.Synthetic.Scenes;
using OpenCvSharp;

namespace EdgeMlops.Synthetic.Tests.Conditions;

public sealed class ConditionEffectsTests : IDisposable
{
    private readonly Mat _day = new();

    public ConditionEffectsTests()
    {
        using var scene = new HighwayScene(new HighwaySceneOptions { Seed = 11, Width = 320, Height = 180 });
        scene.Next(_day);
    }

    public void Dispose() => _day.Dispose();

    [Fact]
    public void Night_is_darker_than_dusk_which_is_darker_than_day()
    {
        using var duskImage = Render("dusk");
        using var nightImage = Render("night");
        double day = Brightness(_day), dusk = Brightness(duskImage), night = Brightness(nightImage);
        Assert.True(dusk < day * 0.8, $"dusk {dusk} vs day {day}");
        Assert.True(night < dusk * 0.6, $"night {night} vs dusk {dusk}");
    }

    [Fact]
    public void Dusk_shifts_the_colour_towards_red()
    {
        using var dusk = Render("dusk");
        var dayMean = _day.Mean();
        var duskMean = dusk.Mean();
        Assert.True(duskMean.Val2 / duskMean.Val0 > dayMean.Val2 / dayMean.Val0 * 1.1, "red/blue ratio should grow");
    }

    [Fact]
    public void Fog_lowers_contrast_more_with_intensity_and_more_towards_the_top()
    {
        using var lightFog = Render("fog:0.3");
        using var heavyFog = Render("fog:0.9");
        double day = Contrast(_day), light = Contrast(lightFog), heavy = Contrast(heavyFog);
        Assert.True(light < day && heavy < light * 0.8, $"std day {day}, fog 0.3 {light}, fog 0.9 {heavy}");

        using var fog = Render("fog");
        var top = new Rect(0, 0, _day.Width, _day.Height / 2);
        var bottom = new Rect(0, _day.Height / 2, _day.Width, _day.Height / 2);
        double topKept = Contrast(fog, top) / Contrast(_day, top), bottomKept = Contrast(fog, bottom) / Contrast(_day, bottom);
        Assert.True(topKept < bottomKept, $"far (top) contrast should drop more: kept {topKept} at the top, {bottomKept} at the bottom");
    }

    [Fact]
    public void Rain_differs_from_day_and_darkens_it()
    {
        using var rain = Render("rain");
        using var difference = new Mat();
        Cv2.Absdiff(_day, rain, difference);
        Assert.True(difference.Mean().Val0 > 8, $"mean difference {difference.Mean().Val0}");
        Assert.True(Brightness(rain) < Brightness(_day));
    }

    [Fact]
    public void Clear_conditions_leave_the_image_untouched_and_effects_are_deterministic()
    {
        using var clear = Render("fog:0");
        Assert.Equal(0, Cv2.Norm(_day, clear, NormTypes.INF));
        using var a = Render("night");
        using var b = Render("night");
        Assert.Equal(0, Cv2.Norm(a, b, NormTypes.INF));
    }

    [Fact]
    public void Night_lamps_glow_where_they_are()
    {
        using var image = new Mat(100, 200, MatType.CV_8UC3, Scalar.All(90));
        var lamps = new[] { new LampLight(new Point2f(50, 50), 3, LampKind.Head), new LampLight(new Point2f(150, 50), 3, LampKind.Tail) };
        ConditionEffects.Apply(image, Condition.Parse("night"), new DeterministicRandom(1), lamps);
        var head = image.At<Vec3b>(50, 50);
        var tail = image.At<Vec3b>(50, 150);
        var dark = image.At<Vec3b>(90, 100);
        Assert.True(head.Item0 > 200 && head.Item1 > 200 && head.Item2 > 200, $"head {head}");
        Assert.True(tail.Item2 > 150 && tail.Item2 > tail.Item0 + 60, $"tail {tail}");
        Assert.True(dark.Item1 < 60, $"background {dark}");
    }

    [Fact]
    public void Only_8_bit_colour_images_are_accepted()
    {
        using var grey = new Mat(10, 10, MatType.CV_8UC1);
        Assert.Throws<ArgumentException>(() => ConditionEffects.Apply(grey, Condition.Parse("fog"), new DeterministicRandom(1)));
    }

    private Mat Render(string condition)
    {
        var image = _day.Clone();
        ConditionEffects.Apply(image, Condition.Parse(condition), new DeterministicRandom(5));
        return image;
    }

    private static double Brightness(Mat image)
    {
        var mean = image.Mean();
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }

    private static double Contrast(Mat image, Rect region)
    {
        using var part = new Mat(image, region);
        return Contrast(part);
    }

    private static double Contrast(Mat image)
    {
        using var grey = image.CvtColor(ColorConversionCodes.BGR2GRAY);
        Cv2.MeanStdDev(grey, out _, out var std);
        return std.Val0;
    }
}
