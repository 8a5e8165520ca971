;; nlpkit's elementwise kernels for WebAssembly SIMD (simd128): the passes over an LM's [N, V] logits that a
;; training step makes besides its matmuls, each one pass over memory.
;;
;; Hand-written, assembled by packages/tensor/scripts/buildWasmGemm.mjs (wabt) into wasmPointwiseBytes.ts, and
;; instantiated on tfjs-backend-wasm's own heap (one thread), so it reads and writes tensors where tfjs keeps them.
;; Every address is in bytes; rows are read with unaligned vector loads, and the last V mod 4 elements of a row
;; one lane at a time.
(module
  (import "env" "memory" (memory 1 65536))

  ;; e^x in each lane for x ≤ 0 (XNNPACK's rr2-p5: n = round(x·log2 e) by a magic bias that also yields 2^n's
  ;; exponent bits, r = x − n·ln 2 in two parts, a degree-5 polynomial); within 2 ulp. Lanes below −87.34 (where
  ;; e^x is subnormal) and NaN give 0. The row loops below repeat it inline: a call per vector costs ~2×.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $s v128) (local $t v128) (local $p v128) (local $y v128)
            (local.set $n (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $s (i32x4.shl (local.get $n) (i32.const 23)))
            (local.set $n (f32x4.sub (local.get $n) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $t (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x)))
            (local.set $t (f32x4.add (f32x4.mul (local.get $n) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t)))
            (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
            (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $t)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
            (local.set $t (f32x4.mul (local.get $t) (local.get $s)))
            (local.set $y (v128.and (f32x4.add (f32x4.mul (local.get $t) (local.get $p)) (local.get $s))
                                   (f32x4.ge (local.get $x) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
    (local.get $y))

  ;; Softmax cross-entropy, forward: for each row i of logits [N, V] (float32 at $x), writes e_ij = exp(x_ij − max_i)
  ;; to $e ([N, V] float32) and three float64 per row to $stats: max_i, Σ_j e_ij, Σ_j x_ij (sums in float64). The
  ;; caller takes the logarithms (one per row) and keeps e: p = e / Σe is never written, the gradient scales e.
  ;; A NaN logit makes the row's max NaN, so its loss comes out NaN.
  (func (export "xentForward") (param $x i32) (param $N i32) (param $V i32) (param $e i32) (param $stats i32)
    (local $i i32) (local $j i32) (local $row i32) (local $out i32) (local $v4 i32) (local $v8 i32)
    (local $m v128) (local $m1 v128) (local $s v128) (local $s2 v128) (local $max f32) (local $sum f64) (local $t v128) (local $u v128)
    (local $x0 v128) (local $n0 v128) (local $t0 v128) (local $p0 v128) (local $s0 v128)
    (local $x1 v128) (local $n1 v128) (local $t1 v128) (local $p1 v128) (local $s1 v128)
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    (local.set $v8 (i32.and (local.get $V) (i32.const -8)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $row (i32.add (local.get $x) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $out (i32.add (local.get $e) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        ;; pass 1: max and Σx, eight at a time (two chains each), then one at a time
        (local.set $m (v128.const f32x4 -inf -inf -inf -inf))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (local.set $u (v128.const f64x2 0 0))
        (local.set $m1 (local.get $m))
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_u (local.get $j) (local.get $v8)))
            (local.set $t (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $x0 (v128.load offset=16 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
            (local.set $m (f32x4.max (local.get $m) (local.get $t)))
            (local.set $m1 (f32x4.max (local.get $m1) (local.get $x0)))
            (local.set $t (f32x4.add (local.get $t) (local.get $x0)))
            (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $t))))
            (local.set $u (f64x2.add (local.get $u)
                                     (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $l1)))
        (local.set $m (f32x4.max (local.get $m) (local.get $m1)))
        (local.set $s (f64x2.add (local.get $s) (local.get $u)))
        (local.set $max (f32.max (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
                                 (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
        (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
        (block $d1t
          (loop $l1t
            (br_if $d1t (i32.ge_u (local.get $j) (local.get $V)))
            (local.set $max (f32.max (local.get $max) (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2))))))
            (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $l1t)))
        (f64.store offset=0 (local.get $stats) (f64.promote_f32 (local.get $max)))
        (f64.store offset=16 (local.get $stats) (local.get $sum))
        ;; pass 2: e = exp(x − max) and Σe, eight at a time (two independent vectors), then one at a time
        (local.set $m (f32x4.splat (local.get $max)))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $s2 (v128.const f64x2 0 0))
        (local.set $j (i32.const 0))
        (block $d2
          (loop $l2
            (br_if $d2 (i32.ge_u (local.get $j) (local.get $v8)))
            (local.set $x0 (f32x4.sub (v128.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)))
            (local.set $x1 (f32x4.sub (v128.load offset=16 (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))) (local.get $m)))
            (local.set $n0 (f32x4.add (f32x4.mul (local.get $x0) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $s0 (i32x4.shl (local.get $n0) (i32.const 23)))
            (local.set $n0 (f32x4.sub (local.get $n0) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $t0 (f32x4.add (f32x4.mul (local.get $n0) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x0)))
            (local.set $t0 (f32x4.add (f32x4.mul (local.get $n0) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t0)))
            (local.set $p0 (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t0)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
            (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
            (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
            (local.set $p0 (f32x4.add (f32x4.mul (local.get $p0) (local.get $t0)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
            (local.set $t0 (f32x4.mul (local.get $t0) (local.get $s0)))
            (local.set $t (v128.and (f32x4.add (f32x4.mul (local.get $t0) (local.get $p0)) (local.get $s0))
                                   (f32x4.ge (local.get $x0) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
            (local.set $n1 (f32x4.add (f32x4.mul (local.get $x1) (v128.const f32x4 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0 0x1.715476p+0)) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $s1 (i32x4.shl (local.get $n1) (i32.const 23)))
            (local.set $n1 (f32x4.sub (local.get $n1) (v128.const f32x4 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23 0x1.8000FEp23)))
            (local.set $t1 (f32x4.add (f32x4.mul (local.get $n1) (v128.const f32x4 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1 -0x1.62E400p-1)) (local.get $x1)))
            (local.set $t1 (f32x4.add (f32x4.mul (local.get $n1) (v128.const f32x4 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20 -0x1.7F7D1Cp-20)) (local.get $t1)))
            (local.set $p1 (f32x4.add (f32x4.mul (v128.const f32x4 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7 0x1.0F9F9Cp-7) (local.get $t1)) (v128.const f32x4 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5 0x1.573A1Ap-5)))
            (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3 0x1.555A80p-3)))
            (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2 0x1.FFFDC6p-2)))
            (local.set $p1 (f32x4.add (f32x4.mul (local.get $p1) (local.get $t1)) (v128.const f32x4 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1 0x1.FFFFF6p-1)))
            (local.set $t1 (f32x4.mul (local.get $t1) (local.get $s1)))
            (local.set $u (v128.and (f32x4.add (f32x4.mul (local.get $t1) (local.get $p1)) (local.get $s1))
                                   (f32x4.ge (local.get $x1) (v128.const f32x4 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6 -0x1.5D589Ep6))))
            (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $t))
            (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (local.get $u))
            (local.set $t (f32x4.add (local.get $t) (local.get $u)))
            (local.set $s (f64x2.add (local.get $s) (f64x2.promote_low_f32x4 (local.get $t))))
            (local.set $s2 (f64x2.add (local.get $s2)
                                      (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $t) (local.get $t)))))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $l2)))
        (local.set $s (f64x2.add (local.get $s) (local.get $s2)))
        (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
        (block $d2t
          (loop $l2t
            (br_if $d2t (i32.ge_u (local.get $j) (local.get $V)))
            (local.set $t (call $exp4 (f32x4.sub (f32x4.splat (f32.load (i32.add (local.get $row) (i32.shl (local.get $j) (i32.const 2)))))
                                                 (local.get $m))))
            (f32.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))) (f32x4.extract_lane 0 (local.get $t)))
            (local.set $sum (f64.add (local.get $sum) (f64.promote_f32 (f32x4.extract_lane 0 (local.get $t)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $l2t)))
        (f64.store offset=8 (local.get $stats) (local.get $sum))
        (local.set $stats (i32.add (local.get $stats) (i32.const 24)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Softmax cross-entropy, backward: out_ij = e_ij · a_i − b_i for e [N, V] and two float32 per row at $coef
  ;; (a_i, b_i). The caller then corrects the target element of each row.
  (func (export "xentGrad") (param $e i32) (param $coef i32) (param $N i32) (param $V i32) (param $out i32)
    (local $i i32) (local $j i32) (local $src i32) (local $dst i32) (local $v4 i32)
    (local $a v128) (local $b v128)
    (local.set $v4 (i32.and (local.get $V) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $i) (local.get $N)))
        (local.set $src (i32.add (local.get $e) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $dst (i32.add (local.get $out) (i32.shl (i32.mul (local.get $i) (local.get $V)) (i32.const 2))))
        (local.set $a (v128.load32_splat offset=0 (local.get $coef)))
        (local.set $b (v128.load32_splat offset=4 (local.get $coef)))
        (local.set $j (i32.const 0))
        (block $d1
          (loop $l1
            (br_if $d1 (i32.ge_u (local.get $j) (local.get $v4)))
            (v128.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32x4.sub (f32x4.mul (v128.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (local.get $a)) (local.get $b)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $l1)))
        (block $d1t
          (loop $l1t
            (br_if $d1t (i32.ge_u (local.get $j) (local.get $V)))
            (f32.store (i32.add (local.get $dst) (i32.shl (local.get $j) (i32.const 2)))
              (f32.sub (f32.mul (f32.load (i32.add (local.get $src) (i32.shl (local.get $j) (i32.const 2)))) (f32.load offset=0 (local.get $coef)))
                       (f32.load offset=4 (local.get $coef))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $l1t)))
        (local.set $coef (i32.add (local.get $coef) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; Column sums of x [rows, cols] (float32) into out [cols], float32, rows added in order (four at a time).
  (func (export "columnSum") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $i i32) (local $j i32) (local $at i32) (local $ld i32) (local $c4 i32) (local $o i32)
    (local.set $c4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $ld (i32.shl (local.get $cols) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $ld))
    (block $done
      (loop $rowGroups
        (br_if $done (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $at (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $ld))))
        (local.set $j (i32.const 0))
        (if (i32.le_u (i32.add (local.get $i) (i32.const 4)) (local.get $rows))
          (then
            (block $d4
              (loop $l4
                (br_if $d4 (i32.ge_u (local.get $j) (local.get $c4)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (v128.store (local.get $o)
                  (f32x4.add
                    (f32x4.add
                      (f32x4.add
                        (f32x4.add (v128.load (local.get $o)) (v128.load (local.get $at)))
                        (v128.load (i32.add (local.get $at) (local.get $ld))))
                      (v128.load (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 1)))))
                    (v128.load (i32.add (local.get $at) (i32.mul (local.get $ld) (i32.const 3))))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $l4)))
            (block $d4t
              (loop $l4t
                (br_if $d4t (i32.ge_u (local.get $j) (local.get $cols)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (f32.store (local.get $o)
                  (f32.add
                    (f32.add
                      (f32.add
                        (f32.add (f32.load (local.get $o)) (f32.load (local.get $at)))
                        (f32.load (i32.add (local.get $at) (local.get $ld))))
                      (f32.load (i32.add (local.get $at) (i32.shl (local.get $ld) (i32.const 1)))))
                    (f32.load (i32.add (local.get $at) (i32.mul (local.get $ld) (i32.const 3))))))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $l4t)))
            (local.set $i (i32.add (local.get $i) (i32.const 4))))
          (else
            (block $d1
              (loop $l1
                (br_if $d1 (i32.ge_u (local.get $j) (local.get $c4)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (v128.store (local.get $o) (f32x4.add (v128.load (local.get $o)) (v128.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $l1)))
            (block $d1t
              (loop $l1t
                (br_if $d1t (i32.ge_u (local.get $j) (local.get $cols)))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
                (f32.store (local.get $o) (f32.add (f32.load (local.get $o)) (f32.load (local.get $at))))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $l1t)))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))))
        (br $rowGroups))))
)
