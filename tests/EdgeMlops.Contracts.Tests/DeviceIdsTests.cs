namespace EdgeMlops.Contracts.Tests;

public sealed class DeviceIdsTests
{
    [Theory]
    [InlineData("box-07")]
    [InlineData("Jetson_Orin.12-b")]
    [InlineData("a")]
    [InlineData("7")]
    [InlineData("-box")]
    [InlineData("_box")]
    [InlineData("site.north.box-3")]
    public void Ids_from_the_safe_alphabet_are_accepted(string deviceId) => Assert.Null(DeviceIds.FindProblem(deviceId));

    [Fact]
    public void The_longest_id_is_accepted_and_one_more_character_is_refused_naming_the_limit()
    {
        Assert.True(DeviceIds.IsValid(new string('x', DeviceIds.MaxLength)));

        var problem = DeviceIds.FindProblem(new string('x', DeviceIds.MaxLength + 1));

        Assert.Equal(64, DeviceIds.MaxLength);
        Assert.False(DeviceIds.IsValid(null));
        Assert.Contains($"{DeviceIds.MaxLength + 1} characters", problem);
        Assert.Contains($"limit is {DeviceIds.MaxLength}", problem);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData(" ", "a space")]
    [InlineData("box 07", "a space")]
    [InlineData("..", "starts with '.'")]
    [InlineData(".box", "starts with '.'")]
    [InlineData("box.", "ends with '.'")]
    [InlineData("box..07", "contains '..'")]
    [InlineData("box\u200b07", "U+200B")]
    [InlineData("box\u200f07", "U+200F")]
    [InlineData("box\u202e70", "U+202E")]
    [InlineData("\ufeffbox", "U+FEFF")]
    [InlineData("box\u00a007", "whitespace")]
    [InlineData("straße", "non-ASCII character U+00DF")]
    [InlineData("Jetson_Ø-12", "non-ASCII")]
    [InlineData("box-\U0001F69A", "U+1F69A")]
    [InlineData("box\t07", "control character U+0009")]
    [InlineData("box\r\n07", "control character U+000D")]
    [InlineData("site:box", "':'")]
    [InlineData("box/07", "'/'")]
    [InlineData("box+", "'+'")]
    [InlineData("#", "'#'")]
    [InlineData("box\u000007", "control")]
    [InlineData("box\n07", "control")]
    [InlineData("box\u007f", "control")]
    [InlineData("box@07", "'@'")]
    [InlineData("box%2F07", "'%'")]
    [InlineData("box\\07", "'\\'")]
    public void Ids_outside_the_safe_alphabet_are_refused_naming_the_problem(string deviceId, string expected)
    {
        var problem = DeviceIds.FindProblem(deviceId);

        Assert.NotNull(problem);
        Assert.Contains(expected, problem);
        Assert.False(DeviceIds.IsValid(deviceId));
        var thrown = Assert.Throws<ArgumentException>(() => Topics.Telemetry(deviceId));
        Assert.Contains(expected, thrown.Message);
    }

    [Fact]
    public void A_lone_surrogate_is_refused_because_it_cannot_be_sent_as_UTF8()
    {
        // Built at run time: attribute arguments are stored as UTF-8, which would turn the surrogate into U+FFFD.
        var deviceId = "box" + '\ud800';

        Assert.Contains("surrogate", DeviceIds.FindProblem(deviceId));
    }

    [Fact]
    public void A_refusal_never_repeats_an_invisible_or_line_breaking_character()
    {
        foreach (var deviceId in new[] { "box\u202e07", "box\r\nforged line", "box\u200b", "x\u0085y" })
        {
            var problem = DeviceIds.FindProblem(deviceId)!;

            Assert.DoesNotContain(problem, c => char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format);
            Assert.Contains("position", problem);
        }
    }

    [Fact]
    public void The_rule_is_written_out_in_every_alphabet_refusal()
    {
        Assert.Contains("ASCII letters, digits, '-', '_' and '.'", DeviceIds.Rule);
        Assert.Contains(DeviceIds.Rule, DeviceIds.FindProblem("box 1"));
    }

    [Fact]
    public void Two_ids_that_look_alike_cannot_both_be_valid()
    {
        // All of them display as (nearly) "box-07": Cyrillic o, a non-breaking hyphen, zero-width and direction marks.
        var lookalikes = new[] { "box-07", "box\u200b-07", "b\u043ex-07", "box\u201107", "BOX-07\u200e" };

        Assert.Single(lookalikes, DeviceIds.IsValid);
    }
}
