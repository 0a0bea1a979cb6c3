using GpuPRelu.Attacks;
using GpuPRelu.Configs;
using Xunit;

namespace GpuPRelu.Tests.Engine;

/// <summary>The attack catalog (AttackKind.All) is what the parser, the help, the errors and the standard sequence read:
/// each is checked here against what AutoAttack and the paper define, written out by hand.</summary>
public sealed class AttackCatalogTests
{
    [Theory]
    [InlineData("pgd")]
    [InlineData("apgd-ce")]
    [InlineData("APGD-DLR")]
    [InlineData(" apgd-t ")]
    [InlineData("fab-t")]
    [InlineData("square")]
    [InlineData("standard")]
    public void ParsesEveryAttackByItsName(string text)
    {
        var kind = Assert.Single(AttackKind.Parse(text));
        Assert.Equal(text.Trim().ToLowerInvariant(), kind.Name);
    }

    [Theory]
    [InlineData("fgsm")]
    [InlineData("certified")]
    [InlineData("exact")]
    public void RefusesNamesThatAreNoAttackWithTheWholeList(string name)
    {
        var e = Assert.Throws<FormatException>(() => AttackKind.Parse($"apgd-ce,{name}"));
        Assert.Equal("attack must be pgd, apgd-ce, apgd-dlr, apgd-t, fab-t, square, standard or a comma list of apgd-ce, apgd-dlr, "
            + $"apgd-t, fab-t, square; got {name}", e.Message);
    }

    [Fact]
    public void StandardIsAutoAttacksSequenceForEachNorm()
    {
        // autoattack.py, version 'standard': apgd-ce, apgd-t, fab-t, square (l∞ and l2); l1 without Square here
        Assert.Equal(["apgd-ce", "apgd-t", "fab-t", "square"], AttackKind.StandardSequence(AttackNorm.Linf).Select(a => a.Name));
        Assert.Equal(["apgd-ce", "apgd-t", "fab-t", "square"], AttackKind.StandardSequence(AttackNorm.L2).Select(a => a.Name));
        Assert.Equal(["apgd-ce", "apgd-t", "fab-t"], AttackKind.StandardSequence(AttackNorm.L1).Select(a => a.Name));
        Assert.Equal(AttackKind.StandardSequence(AttackNorm.L1), new AttackConfig { Attack = [AttackKind.Standard], Norm = AttackNorm.L1 }.Attacks);
    }

    [Fact]
    public void HelpAndOptionErrorsNameTheAttacksThatReadEachOption()
    {
        Assert.Equal("pgd | apgd-ce | apgd-dlr | apgd-t | fab-t | square | standard (AutoAttack's sequence), or a comma list such as "
            + "apgd-ce,apgd-t, each attack on the points still robust", AttackKind.Help);
        Assert.Equal("apgd-t and fab-t", AttackKind.Reading("targets"));
        Assert.Equal("apgd-ce, apgd-dlr, apgd-t and fab-t", AttackKind.Reading("restarts"));
        var errors = new AttackConfig { Model = Models.IdealKind.F, Attack = [AttackKind.ApgdCe], Targets = 1, Queries = 10, StepSize = 0.1 }.Validate();
        Assert.Contains("targets applies to apgd-t and fab-t (and standard) only", errors);
        Assert.Contains("queries applies to square (and standard) only", errors);
        Assert.Contains("step_size applies to pgd only", errors);
        Assert.Contains("norm l1: pgd runs l2 and l∞ only", new AttackConfig { Model = Models.IdealKind.F, Norm = AttackNorm.L1 }.Validate());
    }

    [Fact]
    public void RunsAloneOrInListsAsDeclared()
    {
        var pgdInList = new AttackConfig { Model = Models.IdealKind.F, Attack = [AttackKind.Pgd, AttackKind.ApgdCe] }.Validate();
        Assert.Contains("attack pgd runs alone; lists take apgd-ce, apgd-dlr, apgd-t, fab-t and square", pgdInList);
        var standardInList = new AttackConfig { Model = Models.IdealKind.F, Attack = [AttackKind.ApgdCe, AttackKind.Standard] }.Validate();
        Assert.Contains("attack standard runs alone; lists take apgd-ce, apgd-dlr, apgd-t, fab-t and square", standardInList);
        Assert.Empty(new AttackConfig { Model = Models.IdealKind.F, Attack = [AttackKind.Square, AttackKind.FabT] }.Validate());
    }
}
