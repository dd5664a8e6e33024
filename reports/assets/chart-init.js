/*
 * chart-init.js draws every dti chart of a page.
 *
 * A chart is an element with the attribute data-chart-id="ID" and its
 * echarts option as JSON in the application/json script element whose id
 * is "ID-data" (reports.ChartEmbed writes both).
 * The option is data: it is parsed with JSON.parse and never evaluated, so
 * no text in it can run as code and pages can forbid inline scripts and
 * eval in their Content-Security-Policy. The only functions an option gets
 * are the number formatters below, chosen here, never named by the data.
 *
 * Load after echarts.min.js (and its Vietnamese locale, langVI.js).
 */
(function () {
  'use strict';

  var echarts = window.echarts;
  var charts = [];

  // numberFormatter formats numbers the way the chart's language writes
  // them: 0,8123 and 1.000 in Vietnamese, 0.8123 and 1,000 in English.
  function numberFormatter(lang) {
    var nf = new Intl.NumberFormat(lang === 'en' ? 'en-US' : 'vi-VN', {
      maximumFractionDigits: 4
    });
    function one(v) {
      if (typeof v === 'number' && isFinite(v)) {
        return nf.format(v);
      }
      return v === null || v === undefined || v === '' ? '-' : String(v);
    }
    return function (v) {
      if (Array.isArray(v)) {
        return v.map(one).join(' / ');
      }
      return one(v);
    };
  }

  function asList(x) {
    if (!x) {
      return [];
    }
    return Array.isArray(x) ? x : [x];
  }

  // localise installs the number formatter where the option shows numbers
  // and has no formatter of its own: value axes, series labels, tooltips
  // and the visual map.
  function localise(option, lang, width) {
    var fmt = numberFormatter(lang);
    ['xAxis', 'yAxis'].forEach(function (key) {
      asList(option[key]).forEach(function (axis) {
        if (axis && axis.type === 'value') {
          axis.axisLabel = axis.axisLabel || {};
          if (!axis.axisLabel.formatter) {
            axis.axisLabel.formatter = fmt;
          }
        }
        // On a phone, unit names beside the bars take at most a third of
        // the width; the tooltip shows them whole.
        if (axis && axis.axisLabel && axis.axisLabel.width > 0 && width > 0) {
          axis.axisLabel.width = Math.min(axis.axisLabel.width, Math.max(80, Math.round(width / 3)));
        }
      });
    });
    // A long title ends with "…" rather than run off a narrow screen; the
    // page heading and the data table carry it whole.
    asList(option.title).forEach(function (t) {
      if (t && width > 0) {
        t.textStyle = t.textStyle || {};
        t.textStyle.width = Math.max(120, width - 60);
        t.textStyle.overflow = 'truncate';
      }
    });
    asList(option.series).forEach(function (s) {
      var ml = s && s.markLine;
      if (ml && ml.label && ml.label.show && !ml.label.formatter) {
        ml.label.formatter = function (p) {
          return (p.name ? p.name + ': ' : '') + fmt(p.value);
        };
      }
      if (s && s.label && s.label.show && !s.label.formatter) {
        s.label.formatter = function (p) {
          var v = p.value;
          // Heatmap cells are [x, y, value].
          if (Array.isArray(v)) {
            v = v[v.length - 1];
          }
          return fmt(v);
        };
      }
    });
    asList(option.tooltip).forEach(function (t) {
      if (t && !t.formatter && !t.valueFormatter) {
        t.valueFormatter = fmt;
      }
    });
    // Tooltips are drawn on the canvas, not as HTML: no markup can come
    // from a name, and no inline style attribute trips a strict
    // Content-Security-Policy (style-src without 'unsafe-inline').
    option.tooltip = asList(option.tooltip).map(function (t) {
      t = t || {};
      t.renderMode = 'richText';
      return t;
    });
    asList(option.visualMap).forEach(function (vm) {
      if (vm && !vm.formatter) {
        vm.formatter = fmt;
      }
    });
    return option;
  }

  function fail(el, err) {
    el.setAttribute('data-chart-error', '1');
    el.textContent = 'Không vẽ được biểu đồ / The chart could not be drawn.';
    if (window.console && console.error) {
      console.error('chart ' + el.getAttribute('data-chart-id') + ':', err);
    }
  }

  function draw(el) {
    var id = el.getAttribute('data-chart-id');
    var data = document.getElementById(id + '-data');
    if (!data) {
      fail(el, 'no element #' + id + '-data');
      return;
    }
    var option;
    try {
      option = JSON.parse(data.textContent);
    } catch (err) {
      fail(el, err);
      return;
    }
    var lang = el.getAttribute('data-chart-lang') === 'en' ? 'en' : 'vi';
    // The height suits the chart (a ranking grows with its units); a page
    // that wants another sets the element's height in its style sheet with
    // !important.
    var height = parseInt(el.getAttribute('data-chart-height'), 10);
    if (height > 0 && height < 20000) {
      el.style.height = height + 'px';
    }
    try {
      var chart = echarts.init(el, null, {
        renderer: 'canvas',
        locale: lang === 'en' ? 'EN' : 'VI'
      });
      if (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches) {
        option.animation = false;
      }
      chart.setOption(localise(option, lang, el.clientWidth));
      charts.push(chart);
      el.setAttribute('data-chart-ready', '1');
    } catch (err) {
      fail(el, err);
    }
  }

  function drawAll() {
    if (!echarts) {
      document.querySelectorAll('[data-chart-id]').forEach(function (el) {
        fail(el, 'echarts is not loaded');
      });
      return;
    }
    document.querySelectorAll('[data-chart-id]').forEach(draw);
  }

  var pending = false;
  window.addEventListener('resize', function () {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      charts.forEach(function (c) {
        c.resize();
      });
    });
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();
