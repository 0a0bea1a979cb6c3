namespace GpuPRelu.Random;

/// <summary>The independent streams of the counter-based generator: one per use, so that changing how many numbers
/// one use draws never shifts another.</summary>
public enum RandomPurpose : ulong
{
    TrainSubclass = 1,
    TrainNoise = 2,
    TestSubclass = 3,
    TestNoise = 4,
    Centers = 5,
    InitW = 6,
    InitV = 7,
    InitBias = 8,
    Shuffle = 9,
    AttackStart = 10,
    SpherePoints = 11,
    ScaleSubclass = 12,
    ScaleNoise = 13,
    TestSplit = 14,
    SquareDraws = 30,
}
