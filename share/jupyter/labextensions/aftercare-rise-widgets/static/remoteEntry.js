/*
 * aftercare-rise-widgets: ipywidgets in jupyterlab-rise's slideshow page.
 *
 * jupyterlab-rise presents a notebook in its own small JupyterLab application (/rise/...).
 * That application does not ship @jupyterlab/console or @jupyterlab/logconsole, and the
 * ipywidgets manager (@jupyter-widgets/jupyterlab-manager, ipywidgets 8) asks the shared module
 * scope for both before it starts, so no widget renders in the slideshow (jupyterlab-contrib/rise
 * issue 119). The manager uses them only for optional services (IConsoleTracker,
 * ILoggerRegistry) that the slideshow does not need.
 *
 * This federated extension, written by hand (no build step), registers a minimal stand-in for
 * each of the two modules, and only where the page has none: in JupyterLab itself the real
 * modules are present and nothing changes. Each stand-in exports the service token and nothing
 * else, so the optional service resolves to "not provided". It adds no plugin of its own.
 */
(function () {
  "use strict";
  var NAME = "aftercare-rise-widgets";
  var MISSING = {
    "@jupyterlab/console": "IConsoleTracker",
    "@jupyterlab/logconsole": "ILoggerRegistry"
  };

  function tokenClass(scope) {
    var versions = scope["@lumino/coreutils"] || {};
    var keys = Object.keys(versions).sort();
    if (!keys.length) {
      return Promise.reject(new Error(NAME + ": @lumino/coreutils is not shared on this page"));
    }
    return Promise.resolve(versions[keys[keys.length - 1]].get()).then(function (factory) {
      return factory().Token;
    });
  }

  var container = {
    init: function (scope) {
      Object.keys(MISSING).forEach(function (name) {
        if (scope[name] && Object.keys(scope[name]).length) {
          return; // JupyterLab proper: the real module is there
        }
        scope[name] = {
          "4.0.0": {
            from: NAME,
            eager: false,
            get: function () {
              return tokenClass(scope).then(function (Token) {
                var module = {};
                module[MISSING[name]] = new Token(name + ":" + MISSING[name]);
                return function () { return module; };
              });
            }
          }
        };
      });
    },
    get: function () {
      return Promise.resolve(function () { return { __esModule: true, "default": [] }; });
    }
  };

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = container;
}());
