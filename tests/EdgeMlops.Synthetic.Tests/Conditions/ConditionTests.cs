using EdgeMlops.Synthetic.Conditions;

namespace EdgeMlops.Synthetic.Tests.Conditions;

public class ConditionTests
{
    [Theory]
    [InlineData("night", ConditionKind.Night, 1.0)]
    [InlineData("fog:0.7", ConditionKind.Fog, 0.7)]
    [InlineData(" Rain : 0.25 ", ConditionKind.Rain, 0.25)]
    [InlineData("day", ConditionKind.Day, 0.0)]
    [InlineData("dusk:0", ConditionKind.Dusk, 0.0)]
    public void Parse_reads_kind_and_intensity(string text, ConditionKind kind, double intensity)
    {
        var condition = Condition.Parse(text);
        Assert.Equal(kind, condition.Kind);
        Assert.Equal(intensity, condition.Intensity, 9);
    }

    [Theory]
    [InlineData("snow")]
    [InlineData("fog:1.5")]
    [InlineData("fog:-0.1")]
    [InlineData("fog:abc")]
    [InlineData("day:0.5")]
    [InlineData("2")]
    [InlineData("")]
    public void Parse_rejects_invalid_text_naming_it(string text)
    {
        var error = Assert.Throws<FormatException>(() => Condition.Parse(text));
        Assert.Contains($"'{text.Trim().Split(':')[0].Trim()}", error.Message);
    }

    [Fact]
    public void Text_form_and_file_token_round_trip()
    {
        foreach (var text in new[] { "day", "night", "fog:0.7", "rain:0.05", "dusk" })
            Assert.Equal(text, Condition.Parse(text).ToString());
        Assert.Equal("fog70", Condition.Parse("fog:0.7").ToFileToken());
        Assert.Equal("night", Condition.Parse("night").ToFileToken());
        Assert.Equal(Condition.Day, new Condition(ConditionKind.Day, 0.4));
        Assert.Equal([Condition.Day, new Condition(ConditionKind.Fog, 0.5)], Condition.ParseList("day, fog:0.5"));
    }
}
