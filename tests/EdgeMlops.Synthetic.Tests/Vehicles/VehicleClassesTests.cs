using EdgeMlops.Synthetic.Vehicles;

namespace EdgeMlops.Synthetic.Tests.Vehicles;

public class VehicleClassesTests
{
    [Fact]
    public void Labels_are_the_canonical_strings_in_enum_order()
    {
        Assert.Equal(["car", "van", "truck", "bus", "motorcycle"], VehicleClasses.Labels);
        foreach (var vehicleClass in VehicleClasses.All)
            Assert.Equal(VehicleClasses.Labels[(int)vehicleClass], vehicleClass.ToLabel());
    }

    [Fact]
    public void Parse_reads_labels_case_insensitively_and_rejects_unknown_ones()
    {
        Assert.Equal(VehicleClass.Motorcycle, VehicleClasses.Parse(" Motorcycle "));
        var error = Assert.Throws<FormatException>(() => VehicleClasses.Parse("tractor"));
        Assert.Contains("tractor", error.Message);
    }

    [Fact]
    public void Pickup_is_a_known_optional_class_after_the_default_five()
    {
        Assert.DoesNotContain(VehicleClass.Pickup, VehicleClasses.All);
        Assert.Equal([VehicleClass.Pickup], VehicleClasses.Optional);
        Assert.Equal([.. VehicleClasses.Labels, "pickup"], VehicleClasses.KnownLabels);
        Assert.Equal("pickup", VehicleClass.Pickup.ToLabel());
        Assert.Equal(VehicleClass.Pickup, VehicleClasses.Parse("Pickup"));
        foreach (var vehicleClass in VehicleClasses.Known)
            Assert.Equal(VehicleClasses.KnownLabels[(int)vehicleClass], vehicleClass.ToLabel());
    }
}
