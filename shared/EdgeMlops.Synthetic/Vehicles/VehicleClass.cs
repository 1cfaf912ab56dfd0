namespace EdgeMlops.Synthetic.Vehicles;

/// <summary>Vehicle classes of the synthetic world, in the canonical label order of <see cref="VehicleClasses.KnownLabels"/>.</summary>
public enum VehicleClass
{
    /// <summary>Passenger car: sedan, hatchback or estate.</summary>
    Car = 0,
    /// <summary>Panel or passenger van: boxy, taller than a car, short bonnet.</summary>
    Van = 1,
    /// <summary>Rigid truck: cab in front, taller cargo box behind, two or three big wheels.</summary>
    Truck = 2,
    /// <summary>Bus or coach: long and tall with a row of windows.</summary>
    Bus = 3,
    /// <summary>Motorcycle with a rider.</summary>
    Motorcycle = 4,
    /// <summary>Pickup truck: crew cab in front, open load bed behind whose walls stop at the belt line. Optional: off unless a scene asks for it.</summary>
    Pickup = 5,
}
