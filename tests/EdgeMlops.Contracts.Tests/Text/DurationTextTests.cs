using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts.Tests.Text;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("1.5h", 5400)]
    [InlineData("45", 45)]
    [InlineData(" 10S ", 10)]
    [InlineData("0s", 0)]
    public void Accepts_the_spellings_people_type(string text, double seconds)
    {
        Assert.True(DurationText.TryParse(text, out var value));
        Assert.Equal(seconds, value.TotalSeconds, 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-3s")]
    [InlineData("ten seconds")]
    [InlineData("5d")]
    [InlineData("1e300h")]
    public void Rejects_anything_else(string text) => Assert.False(DurationText.TryParse(text, out _));

    [Fact]
    public void A_zero_duration_where_a_positive_one_is_needed_names_the_input()
    {
        var error = Assert.Throws<FormatException>(() => DurationText.ParsePositive("0s", "--duration"));

        Assert.Contains("--duration", error.Message);
        Assert.Contains("'0s'", error.Message);
    }
}
