using System.Globalization;
using EdgeMlops.Contracts.Text;

namespace EdgeMlops.Contracts.Tests.Text;

public sealed class LogTextTests
{
    [Theory]
    [InlineData("box-07")]
    [InlineData("cam north, lane 2")]
    [InlineData("straße 🚚 Ø")]
    [InlineData("")]
    public void Ordinary_text_comes_back_unchanged(string value) => Assert.Same(value, LogText.Escape(value));

    [Theory]
    [InlineData("cam\r\n2025-01-01 fake entry", @"cam\r\n2025-01-01 fake entry")]
    [InlineData("a\tb", @"a\tb")]
    [InlineData("a\0b", @"a\u0000b")]
    [InlineData("bell\u0007", @"bell\u0007")]
    [InlineData("esc\u001b[31mred", @"esc\u001B[31mred")]
    [InlineData("del\u007f", @"del\u007F")]
    [InlineData("next\u0085line", @"next\u0085line")]
    [InlineData("csi\u009b", @"csi\u009B")]
    [InlineData("line\u2028sep\u2029par", @"line\u2028sep\u2029par")]
    [InlineData("evil\u202etxt.exe", @"evil\u202Etxt.exe")]
    [InlineData("rlm\u200fand\u200elrm", @"rlm\u200Fand\u200Elrm")]
    [InlineData("iso\u2066late\u2069", @"iso\u2066late\u2069")]
    [InlineData("zero\u200bwidth\u200d", @"zero\u200Bwidth\u200D")]
    [InlineData("\ufeffbom", @"\uFEFFbom")]
    [InlineData(@"back\slash", @"back\\slash")]
    [InlineData(@"looks like \n but is not", @"looks like \\n but is not")]
    public void Characters_that_break_or_disguise_a_line_are_escaped_visibly(string value, string expected) =>
        Assert.Equal(expected, LogText.Escape(value));

    [Fact]
    public void A_lone_surrogate_is_escaped_and_a_pair_is_kept()
    {
        Assert.Equal(@"a\uD800b", LogText.Escape("a" + '\ud800' + "b"));
        Assert.Equal(@"a\uDC00", LogText.Escape("a" + '\udc00'));
        Assert.Equal("🚚", LogText.Escape("🚚"));
    }

    [Fact]
    public void Long_text_is_cut_with_an_ellipsis_and_its_full_length()
    {
        var escaped = LogText.Escape(new string('x', 1_000_000), 10);

        Assert.Equal("xxxxxxxxxx…(1000000 chars)", escaped);
        Assert.Equal(new string('y', LogText.DefaultMaxLength), LogText.Escape(new string('y', LogText.DefaultMaxLength)));
        Assert.StartsWith(new string('y', LogText.DefaultMaxLength) + "…", LogText.Escape(new string('y', LogText.DefaultMaxLength + 1)));
    }

    [Fact]
    public void The_cut_never_splits_a_surrogate_pair()
    {
        var escaped = LogText.Escape("ab🚚cd", 3);

        Assert.Equal("ab…(6 chars)", escaped);
    }

    [Fact]
    public void The_cap_counts_input_characters_so_escapes_cannot_be_used_to_grow_a_line_without_bound()
    {
        var escaped = LogText.Escape(new string('\n', 100_000), 50);

        Assert.Equal(string.Concat(Enumerable.Repeat(@"\n", 50)) + "…(100000 chars)", escaped);
    }

    [Fact]
    public void Null_is_written_as_a_marker() => Assert.Equal(LogText.Null, LogText.Escape(null));

    [Fact]
    public void The_output_never_holds_a_control_format_or_separator_character()
    {
        // Surrogates are left out: in code order, U+DBFF and U+DC00 would make a valid pair (lone ones are tested above).
        var every = new string(Enumerable.Range(0, 0x10000).Where(i => i is < 0xD800 or > 0xDFFF).Select(i => (char)i).ToArray());

        var escaped = LogText.Escape(every, every.Length);

        Assert.DoesNotContain(escaped, c => char.IsControl(c) || char.IsSurrogate(c)
            || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator);
    }

    [Fact]
    public void A_cap_below_one_is_a_programming_error() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LogText.Escape("x", 0));
}
