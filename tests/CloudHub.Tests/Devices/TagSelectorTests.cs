using EdgeMlops.CloudHub.Devices;
using EdgeMlops.CloudHub.Tests.Support;

namespace EdgeMlops.CloudHub.Tests.Devices;

public sealed class TagSelectorTests
{
    private static readonly Dictionary<string, string> NorthOverpass = new() { ["site"] = "north", ["camera"] = "overpass" };
    private static readonly Dictionary<string, string> NorthTunnel = new() { ["site"] = "north", ["camera"] = "tunnel" };
    private static readonly Dictionary<string, string> SouthUntagged = new() { ["site"] = "south" };

    [Theory]
    [InlineData("site=north", true, true, false)]
    [InlineData("site=north,camera!=tunnel", true, false, false)]
    [InlineData("camera!=tunnel", true, false, true)] // != also holds without the tag, as in Kubernetes
    [InlineData("camera", true, true, false)]
    [InlineData("!camera", false, false, true)]
    [InlineData(" site = north , ! camera ", false, false, false)]
    [InlineData("site!=north,!camera", false, false, true)]
    public void Matches_every_requirement_of_the_selector(string text, bool northOverpass, bool northTunnel, bool southUntagged)
    {
        var selector = TagSelector.Parse(text);

        Assert.Equal((northOverpass, northTunnel, southUntagged),
            (selector.Matches(NorthOverpass), selector.Matches(NorthTunnel), selector.Matches(SouthUntagged)));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("site=north,,camera", "empty requirement at position 12")]
    [InlineData("site=north,", "empty requirement at position 12")]
    [InlineData("site==north", "'==' at position 5")]
    [InlineData("site=north,cam era=x", "bad key at position 12")]
    [InlineData("site=north,camera=", "bad value at position 19: the value is empty")]
    [InlineData("site=no rth", "bad value at position 6")]
    [InlineData("!", "bad key after '!' at position 2")]
    [InlineData("=north", "bad key at position 1: the key is empty")]
    public void A_bad_selector_is_refused_naming_the_position(string text, string expected)
    {
        Assert.False(TagSelector.TryParse(text, out var selector, out var problem));
        Assert.Null(selector);
        Assert.Contains(expected, problem);
        Assert.Throws<FormatException>(() => TagSelector.Parse(text));
    }

    [Fact]
    public async Task Selecting_matches_enrolled_devices_by_their_stored_tags()
    {
        await using var hub = new InProcessHub();
        var tags = hub.Get<DeviceTags>();
        foreach (var id in new[] { "box-1", "box-2", "box-3" })
            hub.Enroll(id);
        tags.Set("box-1", "site", "north");
        tags.Set("box-2", "site", "north");
        tags.Set("box-2", "camera", "tunnel");
        tags.Set("box-3", "site", "south");
        tags.Set("box-3", "site", "north"); // replaces
        hub.Registry.Revoke("box-3");

        Assert.Equal(["box-1", "box-2"], tags.Select(TagSelector.Parse("site=north")));
        Assert.Equal(["box-1"], tags.Select(TagSelector.Parse("site=north,camera!=tunnel")));
        Assert.True(tags.Remove("box-2", "camera"));
        Assert.False(tags.Remove("box-2", "camera"));
        Assert.Equal(["box-1", "box-2"], tags.Select(TagSelector.Parse("site=north,camera!=tunnel")));
        Assert.Equal(new Dictionary<string, string> { ["site"] = "north" }, tags.Of("box-3"));
        Assert.Throws<ArgumentException>(() => tags.Set("box-1", "bad key", "x"));
        Assert.Throws<ArgumentException>(() => tags.Set("box-1", "site", "a,b"));
    }
}
