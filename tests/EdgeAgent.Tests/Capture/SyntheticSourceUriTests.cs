using EdgeMlops.EdgeAgent.Capture;
using EdgeMlops.Synthetic.Scenes;
using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.EdgeAgent.Tests.Capture;

public sealed class SyntheticSourceUriTests
{
    [Fact]
    public void A_camera_shows_no_pickups_unless_its_uri_gives_them_a_share()
    {
        var plain = SyntheticSourceUri.Parse("synthetic://highway?seed=3");
        var withPickups = SyntheticSourceUri.Parse("synthetic://highway?seed=3&pickup=0.15");

        Assert.Equal(HighwaySceneOptions.DefaultClassMix, plain.Scene.ClassMix);
        Assert.Equal(0.15, withPickups.Scene.ClassMix[VehicleClass.Pickup], 9);
        Assert.Equal(1.0, withPickups.Scene.ClassMix.Values.Sum(), 9);
    }

    [Theory]
    [InlineData("synthetic://highway?pickup=1.5")]
    [InlineData("synthetic://highway?pickup=lots")]
    public void A_pickup_share_outside_zero_to_one_is_refused_naming_the_parameter(string uri)
    {
        var error = Assert.Throws<FormatException>(() => SyntheticSourceUri.Parse(uri));
        Assert.Contains("pickup", error.Message);
    }

    [Fact]
    public void A_default_class_is_not_a_share_parameter()
    {
        var error = Assert.Throws<FormatException>(() => SyntheticSourceUri.Parse("synthetic://highway?car=0.5"));
        Assert.Contains("unknown parameter 'car'", error.Message);
        Assert.Contains("pickup", error.Message);
    }
}
