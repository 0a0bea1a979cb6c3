using System.Reflection;
using System.Reflection.Emit;

namespace GpuPRelu.Tests.Fixtures;

/// <summary>Every type a compiled type mentions, read from its metadata: signatures, base types, fields, locals and every
/// type, method and field token in the method bodies (lambdas and iterators through their compiler-made nested types,
/// which the caller visits as types of their own). LayerTests and DeviceBoundaryTests read the engine through it.</summary>
internal static class TypeReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static
        | BindingFlags.DeclaredOnly;

    /// <summary>Every type `type` mentions, generic arguments and element types unwrapped.</summary>
    public static IEnumerable<Type> Of(Type type)
    {
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(All).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        var methods = type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All));
        foreach (var method in methods)
        {
            if (method is MethodInfo info)
                direct.Add(info.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            direct.AddRange(InBody(method));
        }
        return direct.OfType<Type>().SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
            return Unwrap(type.GetElementType()!);
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
            return Unwrap(type.GetGenericTypeDefinition()).Concat(type.GetGenericArguments().SelectMany(Unwrap));
        return type.IsGenericParameter ? [] : [type];
    }

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The locals of a method body and the declaring types of every member its IL names.</summary>
    private static IEnumerable<Type?> InBody(MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null)
            yield break;
        foreach (var local in body.LocalVariables)
            yield return local.LocalType;
        var il = body.GetILAsByteArray() ?? [];
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i++];
            if (value == 0xFE)
                value = unchecked((short)(0xFE00 | il[i++]));
            var op = OpCodesByValue[value];
            if (op.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                yield return member as Type ?? member?.DeclaringType;
                if (member is MethodInfo called)
                    yield return called.ReturnType;
            }
            i += op.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, i),
                _ => 4,
            };
        }
    }
}
